"""bench/dedup_sets.py reads a labeled set as the benchmark contract says (labels only for scoring)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

from dedup_sets import load_set, pairwise  # noqa: E402


def write_set(folder: Path) -> None:
    (folder / "groups.csv").write_text("record_id,dup_group_id,in_duplicate_group\n1,g1,1\n2,g1,1\n3,g2,0\n")
    rows = (
        '"author","title","year","journal","doi","record_id","label","source"\n'
        '"Adeli K.Lewis G. F.","Intestinal lipoprotein in Göttingen",2008,"Curr Opin Lipidol","",1,"x",'
        '"duplicate"\n'
        '"Adeli K.","Intestinal lipoprotein in Göttingen",2008,"Curr Opin Lipidol","",2,"y","unique"\n'
        '"Li X.","Another study",2010,"Lancet","10.1000/z",3,"z","unique"\n'
    )
    (folder / "labelled_test_set.csv").write_bytes(rows.encode("cp1252"))


def test_label_columns_are_dropped_and_fields_mapped(tmp_path):
    """A cp1252 file reads; label/source never reach the records; glued ASySD authors are split."""
    write_set(tmp_path)
    ids, rows, truth = load_set(tmp_path)
    assert ids == ["1", "2", "3"]
    assert truth == {"1": "g1", "2": "g1", "3": "g2"}
    assert rows[0]["authors"] == ["Adeli K.", "Lewis G. F."]
    assert rows[0]["title"] == "Intestinal lipoprotein in Göttingen"
    assert all("label" not in row and "source" not in row for row in rows)


def test_pairwise_scores_pairs_sharing_a_cluster():
    """One right pair and one wrong pair: precision 0.5, recall 1."""
    truth = {"1": "g1", "2": "g1", "3": "g2"}
    assert pairwise({"1": "a", "2": "a"}, truth) == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert pairwise({"1": "a", "2": "a", "3": "a"}, truth)["precision"] == round(1 / 3, 4)
