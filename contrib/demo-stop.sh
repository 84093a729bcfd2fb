#!/bin/sh
# SPDX-License-Identifier: ISC
# Stops what `make demo` left running: the robot (by its pid file) and the
# mail sandbox (by its pid files).
pid=$(cat /tmp/dsr-demo/pid 2>/dev/null) && kill "$pid" 2>/dev/null
bash "$(dirname "$0")/../tests/sandbox/stop" /tmp/dsx-demo
