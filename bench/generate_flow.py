#!/usr/bin/env python3
"""Writes a valid flow of N elements to standard output, for benchmarks.

Every fifth element is an APIRequest with a declared Result; the others read it back
through a property, speak it, collect a digit and branch on it, so the checker resolves
references, infers property types and runs the maybe-unset analysis over the whole flow.
"""
import sys


def flow(count: int) -> str:
    lines = [f"Flow: Bench{count}", "Description: generated for benchmarks", "Secrets: [TOKEN]", "Elements:"]
    for i in range(count - 1):
        nxt = f"E{i + 1}" if i + 1 < count - 1 else "Done"
        kind = i % 5
        lines.append(f"  - Name: E{i}")
        if kind == 0:
            lines += [
                "    Type: APIRequest",
                "    Action: GET",
                f"    URL: https://api.example.com/leads/<<call.leadid>>/fields/{i}",
                '    Header: "Accept: application/json, Authorization: Bearer <<secrets.TOKEN>>"',
                "    Result:",
                "      Value: string",
                "      items: [{id: integer, label: string?}]",
                "    Fallback: Stop",
            ]
        elif kind == 1:
            lines += ["    Type: SetProperty", f"    PropertyName: P{i}", f"    Value: <<E{i - 1}.Result.Value>>"]
        elif kind == 2:
            lines += ["    Type: TTS", f'    Text: "Field <<P{i - 1}>> for <<call.name>>, item <<E{i - 2}.Result.items.0.id>>"']
        elif kind == 3:
            lines += ["    Type: CollectInput", "    Text: Press 1 to hear it again", "    MaxDigits: 1"]
        else:
            lines += [
                "    Type: Branch",
                f"    Source: <<E{i - 1}.Value>>",
                "    Conditions:",
                f'      - {{Operand: Equals, Value: "1", Goto: {nxt}}}',
                f"    Default: {nxt}",
            ]
    lines += ["  - Name: Done", "    Type: Hangup", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(flow(int(sys.argv[1])))
