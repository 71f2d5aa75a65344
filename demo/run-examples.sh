#!/usr/bin/env bash
# Runs every example flow of Flows/ end to end against the demo API on 127.0.0.1, which it
# starts first and stops at the end. `make run` calls this after building.
set -euo pipefail
cd "$(dirname "$0")/.."
# The examples' runner: the `flows` command of this repository, named callflow-examples here.
flows="${FLOWS:-$(swift build --show-bin-path)/callflow-examples}"
port=18080

python3 demo/api.py "$port" 2>demo/.api.log &
api=$!
trap 'kill "$api" 2>/dev/null; wait "$api" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break
    sleep 0.1
done

export FLOW_SECRET_MAXCONTACT_BASIC=ZGVtbzpkZW1v   # demo:demo, what the demo API expects
export FLOW_SECRET_CLOUDTALK_KEY=demo-key
export FLOW_SECRET_ZOOM_TOKEN=demo-token

run() {
    echo
    echo "\$ callflow-examples run $*"
    "$flows" run "$@"
}

"$flows" list
run LeadFieldReadback --call name=Ann --call leadid=42
run CloudTalkContact --call name=Ben --call phonenum=+447700900123 --contact tags=new,ivr
run ZoomMeeting --call agent_email=agent@example.com
run DtmfMenu --input 2
run AccountPin --input 1234   # a Sensitive input: the PIN shows as ***

# A real call over SIP: flows serve answers a baresip caller, who presses 2 and is transferred.
echo
echo "\$ callflow-examples serve --sip 127.0.0.1:PORT --prompts Prompts   (called by a baresip phone)"
python3 demo/call.py "$flows" Prompts
