import pytest

from review_service.library import load_library
from review_service.matching.embed import get_embedder
from review_service.matching.index import ClauseIndex, build_index, load_or_build


@pytest.fixture(scope="module")
def index():
    return build_index(load_library(), get_embedder())


def test_index_holds_every_variant_labelled(index) -> None:
    library = load_library()
    assert len(index) == sum(1 for _ in library.texts())
    assert {e.position for e in index.entries} == {"standard", "fallback", "red_flag"}


@pytest.mark.parametrize(
    ("clause", "clause_type"),
    [
        ("All invoices are due and payable within fifteen (15) days of the invoice date.", "payment_terms"),
        ("This Agreement is governed by the laws of the State of Texas.", "governing_law"),
        ("In no event shall either party's aggregate liability exceed the fees paid in the prior year.",
         "limitation_of_liability"),
    ],
)
def test_index_nearest_variant_has_the_right_type(index, clause: str, clause_type: str) -> None:
    hits = index.search(get_embedder().encode([clause]), k=3)[0]
    assert hits[0].entry.clause_type == clause_type
    assert hits[0].score > 0.5


def test_index_saved_build_is_reused_and_a_changed_library_is_not(tmp_path, index) -> None:
    embedder = get_embedder()
    library = load_library()
    index.save(tmp_path / "index")
    again = ClauseIndex.load(tmp_path / "index", library_version=library.version, model_id=embedder.model_id)
    assert again is not None and len(again) == len(index)
    assert ClauseIndex.load(tmp_path / "index", library_version="other", model_id=embedder.model_id) is None
    built = load_or_build(library, embedder, tmp_path)
    assert (tmp_path / "index" / "manifest.json").exists() and len(built) == len(index)
