"""The data scaler (rekodiq.synth) writes valid, larger datasets and never touches data/."""

from __future__ import annotations

from rekodiq.data import DATA_DIR, load_dataset, read_raw
from rekodiq.synth import write_scaled


def test_tenfold_dataset_validates_and_grows(tmp_path):
    before = {p.name: p.stat().st_mtime_ns for p in DATA_DIR.glob("*")}
    out = write_scaled(10, tmp_path / "x10")
    result = load_dataset(out)
    assert result.report.ok, [str(f) for f in result.report.failures[:5]]
    data = result.dataset
    for name in ("financing", "sources", "milestones"):
        original = read_raw(DATA_DIR / f"{name}.csv")
        assert len(data.table(name)) == 10 * len(original)
    assert data.financing["claim_id"].is_unique and data.sources["source_id"].is_unique
    # Each replica keeps its own claim groups, so exactly as many groups count as in data/, times ten.
    original = read_raw(DATA_DIR / "financing.csv")
    assert data.financing["claim_group"].nunique() == 10 * original["claim_group"].nunique()
    assert len(data.entities) == len(read_raw(DATA_DIR / "entities.csv"))  # the project itself does not grow
    assert data.version.endswith("+x10")
    assert {p.name: p.stat().st_mtime_ns for p in DATA_DIR.glob("*")} == before


def test_replica_links_point_inside_the_replica(tmp_path):
    fin = read_raw(write_scaled(3, tmp_path / "x3") / "financing.csv")
    linked = fin.dropna(subset=["supersedes"])
    replica = linked["claim_id"].str[1:].astype(int) // 1000
    assert (linked["supersedes"].str[1:].astype(int) // 1000 == replica).all()
