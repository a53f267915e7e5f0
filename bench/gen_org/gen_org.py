#!/usr/bin/env python3
"""Builds a synthetic Organization snapshot for the audit benchmark.

    python3 bench/gen_org/gen_org.py OUT_DIR [--accounts 1000] [--seed 7]

OUT_DIR gets the Organization's top-level files and one sub-directory per account, with a
realistic mix (seeded, reproducible): most members centrally managed with no root credentials
and an Organization trail; some with a root password and no MFA, a virtual root MFA device, an
active root access key used recently, a missing security contact, a personal root email, a
weakened metric filter, an unconfirmed SNS subscription. Prints the expected FAIL counts per check.
"""
import argparse
import os
import random
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "fixtures", "posture"))
from snapgen import account, org, write_snapshot  # noqa: E402

WEAK = '{ $.userIdentity.type = "Root" && $.eventType != "AwsServiceEvent" }'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--accounts", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    shutil.rmtree(a.out, ignore_errors=True)
    mgmt = "100000000000"
    ids = [mgmt] + [str(200000000000 + i * 7919) for i in range(a.accounts - 1)]
    accts, plans = [], {}
    for i, acct in enumerate(ids):
        p = {}
        name = "management" if acct == mgmt else f"workload-{i:04d}"
        email = f"aws-root+{name}@example.com"
        ou = None if acct == mgmt else ("ou-ab12-workload1" if rnd.random() < 0.85 else "ou-ab12-sandbox01")
        if acct != mgmt:
            roll = rnd.random()
            if roll < 0.55:      # centrally managed, no root credentials
                p.update(mfa=False, password=False)
            elif roll < 0.70:    # password without MFA
                p.update(mfa=False, password=True)
            elif roll < 0.78:    # virtual MFA on root
                p.update(mfa=True, password=True, virtual_root_mfa=True)
            else:
                p.update(mfa=True, password=True)
            if rnd.random() < 0.06:
                p["key1"] = dict(active=True, rotated="2024-09-02T11:20:41+00:00", used="2026-11-20T21:15:00+00:00",
                                 region="us-east-1", service="s3")
            if rnd.random() < 0.04:
                p["password_last_used"] = "2026-11-21T06:58:03+00:00"
            if rnd.random() < 0.20:
                p["security_contact"] = False
            if rnd.random() < 0.05:
                email = f"owner{i}@gmail.com"
            t = rnd.random()
            if t < 0.80:
                p.update(trail="org", org_trail_owner=mgmt)
            elif t < 0.88:
                p["filter_pattern"] = WEAK
            elif t < 0.93:
                p["subscription"] = "pending"
            elif t < 0.97:
                p["trail"] = "none"
        accts.append((acct, name, email, ou))
        plans[acct] = p
    write_snapshot(a.out, org("o-bench00001", mgmt, accts, scp_targets=(("ORGANIZATIONAL_UNIT", "ou-ab12-workload1"),)),
                   indent=None)
    for acct in ids:
        write_snapshot(os.path.join(a.out, acct), account(acct, **plans[acct]), indent=None)
    print(f"{a.out}: {len(ids)} accounts")


if __name__ == "__main__":
    main()
