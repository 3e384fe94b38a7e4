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


class _Counting:
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self, embedder) -> None:
        self.embedder, self.model_id, self.texts = embedder, embedder.model_id, 0

    def encode(self, texts):
        self.texts += len(texts)
        return self.embedder.encode(texts)


def test_index_playbook_edit_reuses_the_saved_vectors(tmp_path, index) -> None:
    # A routing threshold changed by an admin changes the library's version, not one variant's wording: the
    # rebuilt index must embed nothing again, and hold the same vectors.
    import shutil

    from review_service.library.loader import default_library_dir

    index.save(tmp_path / "data" / "index")
    folder = tmp_path / "library"
    shutil.copytree(default_library_dir(), folder)
    playbook = folder / "playbook.yaml"
    playbook.write_text(playbook.read_text().replace("legal_value: 100000", "legal_value: 150000", 1))
    edited = load_library(folder)
    assert edited.version != index.library_version
    counting = _Counting(get_embedder())
    rebuilt = load_or_build(edited, counting, tmp_path / "data")
    assert counting.texts == 0
    assert rebuilt.library_version == edited.version and len(rebuilt) == len(index)
    assert (rebuilt.vectors == index.vectors).all()
