// SPDX-License-Identifier: GPL-2.0-only
//
// tests/mgmt/events.go -- a management client written the way a user of
// Debian's golang-github-apparentlymart-go-openvpn-mgmt-dev would write
// one, run by tests/t_manage_server.sh against our server and against the
// reference; both runs must print the same lines.
//
// Usage: events ADDR:PORT
//
// It connects (retrying for 20 s), turns on state and bytecount events,
// releases the hold, waits for CONNECTED and for a client's bytecount,
// asks for the current state and the pid, sends SIGUSR1, releases the hold
// again, waits for CONNECTED, then sends SIGTERM and waits for the end of
// the connection.  Events are printed as the library parses them, without
// times; the per-client bytecount events (their number depends on timing)
// are summarised once per client at the end.  Every wait is bounded.
package main

import (
	"fmt"
	"net"
	"os"
	"sort"
	"time"

	"github.com/apparentlymart/go-openvpn-mgmt/openvpn"
)

var (
	events   = make(chan openvpn.Event, 1000)
	counted  = map[string]bool{}
	failures = 0
)

func describe(ev openvpn.Event) string {
	switch e := ev.(type) {
	case *openvpn.StateEvent:
		return fmt.Sprintf("STATE new=%s desc=%q tun=%q remote=%q", e.NewState(),
			e.Description(), e.LocalTunnelAddr(), e.RemoteAddr())
	case *openvpn.HoldEvent:
		return "HOLD " + e.String()
	case *openvpn.ByteCountEvent:
		return ""
	case *openvpn.UnknownEvent:
		if e.Type() == "CLIENT" {
			return "" // the library does not parse them; the shell test compares them
		}
		return fmt.Sprintf("UNKNOWN %s: %s", e.Type(), e.Body())
	default:
		return fmt.Sprintf("OTHER %T %s", ev, ev.String())
	}
}

// wait prints events until one satisfies done; false on timeout or close.
func wait(what string, secs int, done func(openvpn.Event) bool) bool {
	deadline := time.After(time.Duration(secs) * time.Second)
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				fmt.Printf("CLOSED waiting for %s\n", what)
				return false
			}
			if b, isB := ev.(*openvpn.ByteCountEvent); isB {
				if b.ClientId() != "" && b.BytesIn() > 0 && b.BytesOut() > 0 {
					counted[b.ClientId()] = true
				}
			}
			if s := describe(ev); s != "" {
				fmt.Println(s)
			}
			if done(ev) {
				return true
			}
		case <-deadline:
			fmt.Printf("TIMEOUT waiting for %s\n", what)
			failures++
			return false
		}
	}
}

func isState(name string) func(openvpn.Event) bool {
	return func(ev openvpn.Event) bool {
		s, ok := ev.(*openvpn.StateEvent)
		return ok && s.NewState() == name
	}
}

func isHold(ev openvpn.Event) bool {
	_, ok := ev.(*openvpn.HoldEvent)
	return ok
}

func check(what string, err error) {
	if err != nil {
		fmt.Printf("ERROR %s: %v\n", what, err)
		failures++
	}
}

func main() {
	var conn net.Conn
	var err error
	for i := 0; i < 100; i++ {
		if conn, err = net.Dial("tcp", os.Args[1]); err == nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err != nil {
		fmt.Println("cannot connect:", err)
		os.Exit(1)
	}
	c := openvpn.NewClient(conn, events)
	wait("hold", 20, isHold)
	check("state on", c.SetStateEvents(true))
	check("bytecount", c.SetByteCountEvents(time.Second))
	check("hold release", c.HoldRelease())
	wait("CONNECTED", 30, isState("CONNECTED"))
	fmt.Println("READY") // the shell starts a client now
	wait("a client's bytecount", 40, func(openvpn.Event) bool { return len(counted) > 0 })
	st, err := c.LatestState()
	check("state", err)
	if st != nil {
		fmt.Printf("LATEST new=%s desc=%q tun=%q\n", st.NewState(), st.Description(),
			st.LocalTunnelAddr())
	}
	pid, err := c.Pid()
	check("pid", err)
	fmt.Printf("PID positive=%v\n", pid > 0)
	check("bytecount off", c.SetByteCountEvents(0))
	check("signal SIGUSR1", c.SendSignal("SIGUSR1"))
	wait("hold after SIGUSR1", 20, isHold)
	check("hold release", c.HoldRelease())
	wait("CONNECTED again", 30, isState("CONNECTED"))
	check("signal SIGTERM", c.SendSignal("SIGTERM"))
	wait("the end", 20, func(openvpn.Event) bool { return false })
	ids := []string{}
	for id := range counted {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		fmt.Printf("BYTECOUNT client=%s in>0 out>0\n", id)
	}
	if failures > 0 {
		os.Exit(1)
	}
}
