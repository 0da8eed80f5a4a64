/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * comp_lzo.c -- LZO1X backend of comp_backend.h: the only file that
 * includes <lzo/...>.  Built only when configure found lzo2 (ENABLE_LZO).
 * OpenVPN's LZO framing carries LZO1X-1 output; any LZO1X decompressor
 * reads it, and we use the "safe" one because the input comes from the
 * peer.
 *
 * Tier 1 backend: no logging (comp.c's caller reports failures), no
 * allocation (the caller owns the work memory).
 */
#include "config.h"

#include <limits.h>

#include <lzo/lzo1x.h>
#include <lzo/lzoconf.h>

#include "comp_backend.h"

bool
lzo_backend_available(void)
{
    /*
     * lzo_init() only checks that the library was built for this ABI; it
     * has no state to protect, so calling it again from another thread
     * is harmless.  The cached answer avoids repeating it.
     */
    static int state; /* 0 unknown, 1 ok, -1 broken */

    if (state == 0)
    {
        state = (lzo_init() == LZO_E_OK) ? 1 : -1;
    }
    return state > 0;
}

const char *
lzo_backend_version(void)
{
    return lzo_version_string();
}

size_t
lzo_backend_workmem_size(void)
{
    return LZO1X_1_MEM_COMPRESS;
}

size_t
lzo_backend_bound(size_t in_len)
{
    /* LZO1X's documented worst case for incompressible input */
    return in_len + in_len / 16 + 64 + 3;
}

bool
lzo_backend_compress(const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len, void *workmem)
{
    lzo_uint zlen = 0;

    if (in_len > UINT_MAX || *out_len < lzo_backend_bound(in_len) || workmem == NULL)
    {
        return false;
    }
    if (lzo1x_1_compress(in, (lzo_uint) in_len, out, &zlen, workmem) != LZO_E_OK || zlen > *out_len)
    {
        return false;
    }
    *out_len = zlen;
    return true;
}

bool
lzo_backend_decompress(const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len)
{
    lzo_uint zlen = (lzo_uint) *out_len;

    /* anything but a clean, complete stream (including trailing junk) is corrupt */
    if (lzo1x_decompress_safe(in, (lzo_uint) in_len, out, &zlen, NULL) != LZO_E_OK)
    {
        return false;
    }
    *out_len = zlen;
    return true;
}
