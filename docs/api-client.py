"""An example client of the partner API, as a bank's IT would write one (Python + requests).

    pip install requests
    python docs/api-client.py --url http://127.0.0.1:8000 --token <the token>

Against `make run` on a fresh machine, make a token first (it is printed once):

    .venv/bin/python manage.py create_api_token --organization "بانک رسالت" --days 365

It lists the bank's commitments with their figures, sends one progress entry (safe to run
twice: the Idempotency-Key makes the second run return the first answer and write
nothing), registers two businesses in one all-or-nothing batch, records a continuity check
for one of them, and shows a refused request with its Persian message.
"""

from __future__ import annotations

import argparse
import sys
import uuid

import requests


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--token", required=True)
    parser.add_argument("--key", default=None, help="Idempotency-Key for the entry (default: a new one each run)")
    args = parser.parse_args()

    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {args.token}"
    base = args.url.rstrip("/") + "/api/v1"

    # 1. Our commitments, with the site's figures (target, realised, remaining …).
    answer = api.get(f"{base}/commitments/", timeout=30)
    if answer.status_code != 200:
        print(answer.status_code, answer.json()["detail"])
        return 1
    commitments = answer.json()["results"]
    for c in commitments:
        figures = ", ".join(f"{f['label']}: {f['value']}" for f in c["figures"].values())
        print(f"#{c['id']} {c['title']} [{c['status_label']}] — {figures}")
    open_ones = [c for c in commitments if c["accepts_reports"]]
    if not open_ones:
        print("No commitment of ours takes reports yet (prepared or cancelled).")
        return 0
    commitment = open_ones[0]["id"]

    # 2. One progress entry. The same key on a retry (a timeout, a crash) writes nothing twice.
    key = args.key or str(uuid.uuid4())
    entry = {"commitment": commitment, "period_end": "1404/12/29", "jobs_created": 25, "credit_paid": 3_750_000_000}
    answer = api.post(f"{base}/progress-entries/", json=entry, headers={"Idempotency-Key": key}, timeout=30)
    print("entry:", answer.status_code, answer.json())
    again = api.post(f"{base}/progress-entries/", json=entry, headers={"Idempotency-Key": key}, timeout=30)
    print("same key again:", again.status_code, "replayed" if again.headers.get("Idempotent-Replayed") else "")

    # 3. Businesses in one batch: all are registered, or none (with each bad row named).
    suffix = uuid.uuid4().hex[:6].upper()
    batch = {
        "businesses": [
            {
                "reference_code": f"RS-{suffix}-1",
                "commitment": commitment,
                "county": "کرمان",
                "sector": "صنایع دستی",
                "started_on": "1404/10/01",
                "jobs": 2,
                "loan_amount": 1_500_000_000,
            },
            {
                "reference_code": f"RS-{suffix}-2",
                "commitment": commitment,
                "county": "بم",
                "sector": "پوشاک",
                "started_on": "2025-12-22",
            },
        ]
    }
    answer = api.post(f"{base}/businesses/", json=batch, timeout=60)
    print("batch:", answer.status_code, answer.json())

    # 4. A continuity check of the first one.
    listed = api.get(f"{base}/businesses/", params={"code": f"RS-{suffix}-1"}, timeout=30).json()["results"]
    if listed:
        check = {
            "business": listed[0]["id"],
            "checked_on": "1405/01/20",
            "status": "semi_closed",
            "reason": "marketing",
        }
        answer = api.post(f"{base}/continuity-checks/", json=check, timeout=30)
        print("check:", answer.status_code, answer.json())

    # 5. A mistake, and how the API says so: a Gregorian date written with slashes.
    answer = api.post(f"{base}/progress-entries/", json={**entry, "period_end": "2026/03/19"}, timeout=30)
    print("refused:", answer.status_code, answer.json()["errors"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
