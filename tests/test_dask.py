"""apologylint.dask on a real two-worker `distributed.LocalCluster`: the same findings as
`Linter.lint_many`, one Linter per worker process.

distributed talks TCP even on one machine (it has no Unix-socket transport), so the cluster test
enables sockets with pytest-socket's `enable_socket` marker, restricted to the loopback with
`allow_hosts(["127.0.0.1"])`, and the cluster binds 127.0.0.1 only (no dashboard)."""
from __future__ import annotations

import pytest

distributed = pytest.importorskip("distributed")
dd = pytest.importorskip("dask.dataframe")
db = pytest.importorskip("dask.bag")
pd = pytest.importorskip("pandas")

from apologylint import dask as al_dask  # noqa: E402

TEXTS = [
    ("As I said in my last email, you should have ordered earlier. Calm down.", None),
    ("Sorry the mug arrived chipped! I've sent a replacement today; it arrives on Friday.", "My mug arrived chipped."),
    ("We apologise for any inconvenience this may have caused. Unfortunately the courier lost it.", "Where is my parcel?"),
    ("Thanks for writing in!", None),
    ("I'm so so sorry, I'm really sorry, we are deeply sorry about that.", "You sent the wrong size."),
] * 4


def expected(linter):
    rows = []
    for n, report in enumerate(linter.lint_many(TEXTS)):
        for f in report.findings:
            rows.append((n, f.rule, f.start, f.end, f.message))
    return sorted(rows)


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as cluster:
        with Client(cluster) as c:
            yield c


pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]


def test_bag_on_a_local_cluster_matches_lint_many(client, linter):
    bag = db.from_sequence(TEXTS, npartitions=6)
    records = al_dask.lint_bag(bag).compute()
    assert [r["index"] for r in records] == list(range(len(TEXTS)))
    assert [r["counts"] for r in records] == [r.model_dump(mode="json")["counts"] for r in linter.lint_many(TEXTS)]
    got = sorted((r["index"], f["rule"], f["start"], f["end"], f["message"]) for r in records for f in r["findings"])
    assert got == expected(linter)
    assert got  # something was found
    # both workers worked, and each loaded its Linter once, not once per partition
    loads = client.run(al_dask.loads)
    assert len(loads) == 2
    assert all(n <= 1 for _, n in loads.values())
    assert sum(n for _, n in loads.values()) >= 1


def test_findings_frame_and_dataframe_column(client, linter):
    frame = al_dask.findings_frame(al_dask.lint_bag(db.from_sequence(TEXTS, npartitions=3))).compute()
    assert sorted(zip(frame["index"], frame["rule"], frame["start"], frame["end"], frame["message"])) == expected(linter)
    pdf = pd.DataFrame({"reply": [t for t, _ in TEXTS], "customer": [c for _, c in TEXTS]})
    ddf = dd.from_pandas(pdf, npartitions=4)
    found = al_dask.lint_dataframe(ddf, "reply", in_reply_to="customer").compute()
    assert sorted(zip(found["index"], found["rule"], found["start"], found["end"], found["message"])) == expected(linter)
    assert list(found.columns) == list(al_dask.FINDING_COLUMNS)


def test_configuration_reaches_the_workers(client):
    records = al_dask.lint_bag(db.from_sequence([{"text": TEXTS[0][0], "id": "t-1"}], npartitions=1), config={"ignore": ["AL302"]}).compute()
    assert records[0]["id"] == "t-1"
    rules = {f["rule"] for f in records[0]["findings"]}
    assert "AL302" not in rules and "AL301" in rules
