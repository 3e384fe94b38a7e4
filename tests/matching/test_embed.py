import numpy as np
import pytest

from review_service.matching.embed import get_embedder


@pytest.fixture(scope="module")
def embedder():
    e = get_embedder()
    e.warm_up()
    return e


def test_embed_real_model_offline_unit_vectors(embedder) -> None:
    vectors = embedder.encode(["Invoices are payable within forty-five days.", "The laws of New York govern."])
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert "all-MiniLM-L6-v2" in embedder.model_id


def test_embed_similar_clauses_are_closer(embedder) -> None:
    a, b, c = embedder.encode([
        "Customer shall pay each invoice within 30 days of receipt.",
        "All invoices are due thirty days after the customer receives them.",
        "This Agreement is governed by the laws of the State of Delaware.",
    ])
    assert float(a @ b) > float(a @ c) + 0.2


def test_embed_cache_never_embeds_the_same_text_twice(embedder) -> None:
    text = "A clause text used only by this cache test, number 7781."
    first = embedder.encode([text])
    size = embedder.cached
    again = embedder.encode([text, text])
    assert embedder.cached == size
    assert np.array_equal(again[0], first[0]) and np.array_equal(again[1], first[0])
