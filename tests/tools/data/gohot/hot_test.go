// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors

// Package gohot burns CPU in one named function so that `go test -cpuprofile` writes a
// real Go CPU profile for coroscope's CLI tests.
package gohot

import "testing"

var sink uint64

//go:noinline
func burnHotLoop(n int) uint64 {
	h := uint64(1469598103934665603)
	for i := 0; i < n; i++ {
		h ^= uint64(i)
		h *= 1099511628211
	}
	return h
}

// A fixed amount of work (about half a second of CPU), not a wall-clock deadline, so a
// busy machine still yields enough samples.
func TestBurn(t *testing.T) {
	for i := 0; i < 8000; i++ {
		sink += burnHotLoop(1 << 16)
	}
}
