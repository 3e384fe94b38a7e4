"""Which unplaced clauses read as one-sided terms, and which novel terms hide inside known clauses."""

import pytest

from review_service.review.one_sided import one_sided_cue, tucked_in_term


@pytest.mark.parametrize("text", [
    "Wrenfield may suspend access to the Services immediately if it determines in its sole judgment that an "
    "amount is overdue.",
    "The Licensor may, without further notice, remotely disable the licence keys.",
    "Customer grants Supplier a perpetual, irrevocable right to use any suggestions Customer makes.",
    "Client will not make any public statement that disparages the Consultant.",
    "Licensee shall not publish the results of any benchmark test of the Software.",
    "Company shall be entitled to an injunction without the necessity of posting a bond.",
    "Any claim against the Provider must be brought within six months after it arises.",
    "The deliverables are deemed accepted if Client raises no objection within five days.",
    "If Client hires any of our staff it will pay a placement fee of 30% of first-year salary.",
    "Customer waives any right to bring a class action against Vendor.",
])
def test_one_sided_cue_finds_one_sided_terms(text: str) -> None:
    assert one_sided_cue(text) is not None


def test_one_sided_cue_knows_the_vendor_by_its_short_name() -> None:
    promise = "Ploverleaf will remove Customer's name from any benchmark it publishes."
    assert one_sided_cue(promise) is not None  # "Ploverleaf" alone names no party
    assert one_sided_cue(promise, vendor="Ploverleaf") is None


@pytest.mark.parametrize("text", [
    "We will deliver the licence keys electronically within five business days after the Effective Date.",
    "You will name one person who can approve the Work on your behalf.",
    "We may reuse the general skills and know-how our people gain while working with you.",
    "Each party hereby waives any right to a trial by jury in any action arising out of this Agreement.",
    "Either party may seek an injunction, without posting a bond, to stop a breach of this clause.",
    "Item | Quantity | Unit price\nPlatform licence | 400 users | $90.00",
    "The Supplier shall sell and deliver the Products ordered in each Release.",
    # the vendor's own promises
    "Vendor will not sell Customer Data, use it to train machine-learning models, or use it for benchmarking.",
    "We'll remove your name from any benchmark or insight that we show to other clients.",
    # a suspension kept to an urgent danger, with the customer's safeguards
    "Vendor may suspend a User's access if that User's activity poses an imminent threat to the security of the "
    "Service, provided that Vendor notifies Customer promptly and restores access as soon as the threat is resolved.",
    "Corvane shall use Pilot Data only to run the pilot, and shall not use it to train or improve its products.",
    # title kept until the goods are paid for
    "Until payment in full, Buyer grants Seller a purchase-money security interest in the Equipment.",
])
def test_one_sided_cue_lets_routine_and_mutual_terms_pass(text: str) -> None:
    assert one_sided_cue(text) is None


@pytest.mark.parametrize("text, found", [
    ("Licensee shall not (a) copy the Software; (b) reverse engineer it; or (c) publish the results of any "
     "benchmark or performance test of it.", True),
    ("Customer grants Vendor a perpetual, irrevocable licence to use any feedback it gives.", True),
    ("Vendor grants Customer a perpetual, irrevocable, non-exclusive licence to use the Software.", False),
    ("Licensee shall not copy, modify or reverse engineer the Software.", False),
    ("Each party waives trial by jury.", False),
])
def test_tucked_in_term_inside_known_clauses(text: str, found: bool) -> None:
    assert (tucked_in_term(text) is not None) is found
