#!/usr/bin/env python3
"""Writes examples/snapshots/org: a small Organization (management + 3 members) with a realistic
mix of passes and failures, for `make run`. Regenerate with: python3 examples/snapshots/make_org.py"""
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "fixtures", "posture"))
from snapgen import account, org, write_snapshot  # noqa: E402

MGMT, PROD, DEV, SANDBOX = "111122223333", "222233334444", "333344445555", "444455556666"


def main():
    out = os.path.join(HERE, "org")
    shutil.rmtree(out, ignore_errors=True)
    accts = [(MGMT, "management", "aws-root+management@example.com", None),
             (PROD, "workloads-prod", "aws-root+workloads-prod@example.com", "ou-ab12-workload1"),
             (DEV, "workloads-dev", "aws-root+workloads-dev@example.com", "ou-ab12-workload1"),
             (SANDBOX, "sandbox", "jane.doe@gmail.com", "ou-ab12-sandbox01")]
    write_snapshot(out, org("o-a1b2c3d4e5", MGMT, accts, scp_targets=(("ORGANIZATIONAL_UNIT", "ou-ab12-workload1"),)))
    # Management: well kept (hardware MFA, CIS alarm chain), root last used months ago.
    write_snapshot(os.path.join(out, MGMT), account(MGMT, password=True, password_last_used="2026-08-14T16:02:11+00:00"))
    # Production: credentials removed centrally, but a virtual MFA device is still on root; org trail.
    write_snapshot(os.path.join(out, PROD), account(PROD, mfa=False, password=False, trail="org", org_trail_owner=MGMT))
    # Development: an active root access key used yesterday, no security contact.
    write_snapshot(os.path.join(out, DEV), account(
        DEV, password=True, security_contact=False, trail="org", org_trail_owner=MGMT,
        key1=dict(active=True, rotated="2024-09-02T11:20:41+00:00", used="2026-11-20T21:15:00+00:00",
                  region="us-east-1", service="s3")))
    # Sandbox: root password and no MFA, personal email, root signed in this morning.
    write_snapshot(os.path.join(out, SANDBOX), account(
        SANDBOX, mfa=False, password=True, password_last_used="2026-11-21T06:58:03+00:00", trail="none",
        security_phone="555-0100"))


if __name__ == "__main__":
    main()
