#!/bin/sh
# /usr/bin/robot-host: the maintainer's entry point (robot-host version | print-config | selftest |
# hardware | verify-records | records-key | broker-account | run). Reads the installed config unless ROBOT_CONFIG or --config says otherwise.
: "${ROBOT_CONFIG:=/etc/robot-host/appsettings.json}"
export ROBOT_CONFIG
exec /usr/lib/robot-host/robot-host "$@"
