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


def test_embed_repeats_within_a_call_go_through_the_model_once(embedder) -> None:
    texts = ["Repeated clause for the repeat test, number 5519.", "Another clause for the repeat test, 5519."]
    before = embedder.encoded_texts, embedder.encoded_chars
    vectors = embedder.encode([texts[0], texts[1], texts[0], texts[0]])
    assert embedder.encoded_texts - before[0] == 2
    assert embedder.encoded_chars - before[1] == sum(map(len, texts))
    assert np.array_equal(vectors[0], vectors[2]) and np.array_equal(vectors[0], vectors[3])
    embedder.encode(texts)  # seen before: no forward pass at all
    assert embedder.encoded_texts - before[0] == 2


def test_embed_batches_by_token_length_within_the_budget_and_gives_each_text_its_own_vector(embedder) -> None:
    """Texts of very different lengths, in one call: each batch holds texts of similar length in tokens within
    the budget, and every vector is the one the text gets when embedded alone (no padding leaks in)."""
    from review_service.matching.embed import SentenceEmbedder, text_key

    clause = "The Supplier shall indemnify the Customer against third-party claims of infringement, batch test {}. "
    texts = [clause.format(i) * (1 + i % 7) for i in range(20)] + [f"Short clause {i}." for i in range(12)]
    small = SentenceEmbedder(batch_size=8, batch_tokens=600, precision="fp32")
    small.warm_up()
    batches = [keys for keys, _ in small._batches({text_key(t): t for t in texts})]
    assert sorted(k for b in batches for k in b) == sorted(text_key(t) for t in texts)
    lengths = {text_key(t): len(small._model.tokenizer(t, truncation=True, max_length=256)["input_ids"])
               for t in texts}
    for batch in batches:
        sizes = [lengths[k] for k in batch]
        assert len(batch) <= 8 and (len(batch) == 1 or max(sizes) * len(batch) <= 600)
        assert sizes == sorted(sizes, reverse=True)
    together = small.encode(texts)
    alone = np.stack([small._model.encode([t], normalize_embeddings=True)[0] for t in texts])
    assert np.allclose(together, alone, atol=1e-5)


def test_embed_forward_pass_time_is_accounted(embedder) -> None:
    before = embedder.forward_seconds
    embedder.encode(["A clause only the forward-pass accounting test embeds, 3307."])
    assert embedder.forward_seconds > before


def test_embed_precision_setting(monkeypatch) -> None:
    from review_service.matching.embed import SentenceEmbedder, resolve_precision

    assert resolve_precision("fp32") == "fp32" and resolve_precision("bf16") == "bf16"
    assert resolve_precision("auto") in ("fp32", "bf16")
    with pytest.raises(ValueError, match="auto, fp32 or bf16"):
        resolve_precision("int4")
    monkeypatch.setenv("VETTED_EMBED_PRECISION", "fp32")
    fp32 = SentenceEmbedder()
    fp32.warm_up()
    assert fp32.precision == "fp32" and not fp32.model_id.endswith("+bf16")


def test_embed_bf16_agrees_with_fp32_and_carries_its_own_model_id() -> None:
    from review_service.matching.embed import SentenceEmbedder

    texts = ["Customer shall pay each invoice within 30 days of receipt.",
             "Either party may terminate this Agreement for convenience on ninety (90) days' written notice.",
             "THE SERVICES ARE PROVIDED AS IS WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED."]
    fp32, bf16 = SentenceEmbedder(precision="fp32"), SentenceEmbedder(precision="bf16")
    a, b = fp32.encode(texts), bf16.encode(texts)
    assert np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-4)
    assert float((a * b).sum(axis=1).min()) > 0.999
    # Vectors of another precision are never mixed with stored or indexed fp32 ones: the id differs.
    assert bf16.model_id == fp32.model_id + "+bf16"


def test_embed_shared_between_threads_gives_every_caller_its_own_vectors(embedder) -> None:
    # The server's API threads and its worker share one embedder. With a cache smaller than one call, a vector
    # evicted (by this call or another thread) between its insertion and its use was lost: a KeyError.
    import threading

    from review_service.matching.embed import SentenceEmbedder

    # fp32: in bfloat16 a text's vector moves in the fourth decimal with the other texts of its batch (their
    # padding), and this test is about whose vector a caller gets, to 1e-5.
    shared = SentenceEmbedder(embedder.path, cache_size=3, precision="fp32")
    alone = SentenceEmbedder(embedder.path, precision="fp32")
    calls = [[f"Thread {n} clause {i}: the supplier shall deliver the goods by day {i}." for i in range(6)]
             for n in range(4)]
    expected = [alone.encode(texts) for texts in calls]
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            for _ in range(3):
                assert np.allclose(shared.encode(calls[n]), expected[n], atol=1e-5)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
