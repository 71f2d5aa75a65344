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
trap 'kill "$api" 2>/dev/null; wait "$api" 2>/dev/null || true; rm -rf "${state:-}"' EXIT
for _ in $(seq 50); do
    (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break
    sleep 0.1
done

export FLOW_SECRET_MAXCONTACT_BASIC=ZGVtbzpkZW1v   # demo:demo, what the demo API expects
export FLOW_SECRET_CLOUDTALK_KEY=demo-key
export FLOW_SECRET_ZOOM_TOKEN=demo-token
# The MissedChoiceFollowUp workflow's SMS and Slack message go to the demo API too.
export FLOW_SMS_CLOUDTALK_URL=http://127.0.0.1:$port/cloudtalk-sms FLOW_SLACK_URL=http://127.0.0.1:$port/slack
export FLOW_SECRET_SMS_KEY_ID=demo-id FLOW_SECRET_SMS_KEY_SECRET=demo-secret FLOW_SECRET_SLACK_TOKEN=xoxb-demo
# The demo's request logs and workflow runs, in a state database of its own.
state=$(mktemp -d)
export FLOW_STATE_DB="$state/state.sqlite"

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
# No choice: the call ends NO_CHOICE, and the MissedChoiceFollowUp workflow texts the caller
# and tells the team on Slack after it.
run DtmfMenu --call phonenum=+447700900123 --call name=Ann
echo
echo "\$ callflow-examples workflows"
"$flows" workflows
run AccountPin --input 1234   # a Sensitive input: the PIN shows as ***

# A real call over SIP: flows serve answers a baresip caller, who presses 2 and is transferred.
echo
echo "\$ callflow-examples serve --sip 127.0.0.1:PORT --prompts Prompts   (called by a baresip phone)"
python3 demo/call.py "$flows" Prompts
