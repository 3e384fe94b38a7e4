import pytest

from review_service.review.parameters import read_parameters, right_held_by


@pytest.mark.parametrize(
    ("name", "text", "value"),
    [
        ("payment_days", "All invoices are due and payable within fifteen (15) days of the invoice date.", 15),
        ("payment_days", "Customer shall pay undisputed invoices net 45 days from receipt.", 45),
        ("payment_days", "Client shall pay each invoice thirty (30) days after receipt.", 30),
        ("payment_days", "Fees for the three-year term are invoiced yearly, each payable within 60 days.", 60),
        ("late_fee_percent_per_month", "Overdue amounts bear interest at one and one-half percent (1.5%) per month.",
         1.5),
        ("late_fee_percent_per_month", "Late payments accrue interest at 18% per annum.", 1.5),
        ("advance_payment_months", "Fees are invoiced annually in advance.", 12),
        ("customer_convenience_termination", "Customer may also terminate this Order Form for convenience on sixty "
                                             "(60) days' notice; the onboarding fee is not refundable.", True),
        ("all_warranties_disclaimed", "Vendor warrants that the Services will perform as described. Features "
                                      "labelled beta are supplied as is. Except as stated here, each party "
                                      "disclaims all implied warranties.", False),
        ("all_warranties_disclaimed", "The warranties in this Clause 10 are in lieu of all other warranties, "
                                      "conditions and terms, all of which are hereby excluded.", False),
        ("all_warranties_disclaimed", "No other warranties are given, express or implied.", False),
        ("all_warranties_disclaimed", "Each Party represents and warrants that it has full power and authority to "
                                      "enter into and perform this Agreement.", False),
        ("all_warranties_disclaimed", "THE SOFTWARE IS LICENSED WITHOUT WARRANTY OF ANY KIND AND WITH ALL FAULTS.",
         True),
        ("audits_per_year", "Licensor may audit on ten Business Days' notice; Licensee shall reimburse on demand the "
                            "reasonable costs of the audit. Audits take place once a year.", 1),
        ("warranty_days", "We promise that each Deliverable will conform to its description for forty-five (45) "
                          "days after we deliver it.", 45),
        ("warranty_days", "Vendor warrants the Services for ninety (90) days; Vendor will re-perform any "
                          "non-conforming Services within ten (10) days of notice.", 90),
        ("cap_months_of_fees", "Liability shall not exceed the fees paid in the three (3) months preceding the claim.",
         3),
        ("renewal_term_months", "This Agreement renews automatically for successive terms of two (2) years.", 24),
        ("non_renewal_notice_days", "It renews for one-year terms unless either party gives notice of non-renewal at "
         "least ninety (90) days before the end of the then-current term.", 90),
        ("cure_period_days", "if the other party fails to cure the breach within ten (10) days after notice", 10),
        ("survival_years", "The duties in this Article continue while the Supply Contract is in force and for "
                           "eighteen (18) months after it ends.", 1.5),
        ("survival_years", "These duties last for 2 years after the end of this Agreement.", 2),
        ("survival_years", "These duties apply during the Subscription Term and for one (1) year afterwards.", 1),
        ("survival_years", "This Section survives termination for five (5) years; trade secrets for as long as "
                           "they remain secret.", 5),
        ("cure_period_days", "if the other seriously breaches it and does not put the breach right within thirty (30) "
                             "days after receiving notice", 30),
        ("cure_period_days", "a material breach that remains uncured fifteen (15) days after the breaching Party "
                             "receives notice", 15),
        ("cure_period_days", "if the other fails to make good the breach within 20 days of being asked to", 20),
        ("governing_law", "This Agreement is governed by the laws of the State of Texas.", "Texas"),
        ("breach_notice_hours", "Vendor shall notify Customer of a Security Incident within 48 hours.", 48),
        ("breach_notice_time_stated", "Vendor will notify Customer of any security breach without undue delay.", False),
        ("availability_percent", "The Service will be available 99.5% of the time each month.", 99.5),
        ("increase_capped", "Vendor may increase the fees for any renewal term at its sole discretion.", False),
        ("increase_capped", "On renewal Licensor may adjust the annual fee to its then-current maintenance rates.",
         False),
        ("renewal_increase_percent", "The Supplier may revise the Charges each year by the greater of seven per cent "
         "and the rise in the Retail Prices Index.", 7.0),
    ],
)
def test_parameters_read_values(name: str, text: str, value) -> None:
    readings = read_parameters([name], text)
    assert readings, f"{name} not read"
    r = readings[0]
    assert r.value == value
    assert text[r.start:r.end] == r.text  # evidence offsets point into the clause


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("payment_days", "Customer shall pay the fees set out in the Order Form."),  # no number: nothing guessed
        # The term, the billing period or a cap's look-back is no time to pay.
        ("payment_days", "Customer will pay $24,000 a year, $72,000 over the three-year Subscription Term."),
        ("payment_days", "Liability is limited to the fees paid or payable in the 12 months before the claim."),
        ("governing_law", "Acme Inc., a Delaware corporation, provides the Services."),  # incorporation, not law
        ("cure_period_days", "Either party may terminate on written notice."),
        # The time to fix a failure is no warranty period (the warranty here lasts the subscription term).
        ("warranty_days", "We warrant that during your Subscription Term the Service will perform as described. If "
                          "it doesn't perform as warranted, we'll fix it; if we can't within thirty (30) days, you "
                          "may terminate."),
    ],
)
def test_parameters_refuse_to_guess(name: str, text: str) -> None:
    assert read_parameters([name], text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The limits shall not apply to breach of data protection legislation or gross negligence.", True),
        ("The limits shall not apply to fraud; but the limit shall apply to any unauthorised disclosure of Client "
         "Data, however arising.", False),
    ],
)
def test_parameters_data_breach_carve_out(text: str, value: bool) -> None:
    assert read_parameters(["data_breach_carve_out"], text)[0].value is value


@pytest.mark.parametrize(
    ("name", "text", "value"),
    [
        # Terms written to "you" (the customer) by "we" (the vendor), with contractions.
        ("convenience_notice_days", "You can cancel at any time, for any reason, by giving us 30 days' notice.", 30),
        ("vendor_convenience_notice_days", "We may end these Terms for convenience on 60 days' notice to you.", 60),
        ("broad_customer_indemnity", "We'll defend you against any claim by a third party alleging that the Service "
         "infringes a patent.", False),
        ("broad_customer_indemnity", "You'll defend us against any claim arising from your use of the Service.", True),
        ("customer_convenience_termination", "You can cancel at any time, for any reason, on 30 days' notice.", True),
        ("customer_convenience_termination", "Either party may terminate without cause on 90 days' notice.", True),
        ("customer_convenience_termination", "The Customer may terminate this Agreement at any time by giving not "
         "less than 30 days' written notice to the Supplier.", True),
        ("customer_convenience_termination", "Client may end the Services on sixty (60) days' prior written notice.",
         True),
        ("vendor_may_change_terms", "Any change to these Terms must be agreed in writing by both of us.", False),
        ("vendor_may_change_terms", "It may be amended only by a written amendment signed by both parties.", False),
    ],
)
def test_parameters_read_plain_english_terms(name: str, text: str, value) -> None:
    assert read_parameters([name], text)[0].value == value


@pytest.mark.parametrize(
    ("text", "vendor", "customer"),
    [
        ("You may terminate this Agreement for convenience on sixty (60) days' notice.", False, True),
        ("We may end these Terms at any time, for any reason, on 30 days' notice to you.", True, False),
        ("Provider reserves the right to terminate for its convenience upon notice to Customer.", True, False),
        ("Either party may terminate without cause on 90 days' notice.", True, True),
        ("This Agreement may be terminated for convenience on 30 days' notice.", True, True),  # no party named
        ("Customer may terminate for convenience. Supplier may terminate for convenience on 10 days' notice.",
         True, True),
        ("5.2 For Convenience. You may terminate for convenience on 30 days' notice.", False, True),  # a caption
        ("This Agreement is terminable by Vendor for convenience.", True, True),  # no granting verb: can't tell
        ("Vendor shall not terminate for convenience. Customer may terminate for convenience.", False, True),
        ("The Customer shall permit the Supplier to terminate for convenience.", True, False),
    ],
)
def test_parameters_right_held_by_the_party_before_the_granting_verb(text: str, vendor: bool,
                                                                     customer: bool) -> None:
    cues = ["convenience", "for any reason", "without cause"]
    assert right_held_by(text, cues, "vendor") is vendor
    assert right_held_by(text, cues, "customer") is customer


def test_library_red_flags_with_a_holder_hold_it_in_their_own_examples() -> None:
    from review_service.library import load_library

    flags = [f for ct in load_library().clause_types.values() for f in ct.red_flags if f.holder]
    assert flags, "the shipped library names a holder for the vendor's convenience right"
    for flag in flags:
        for variant in flag.texts:
            assert right_held_by(variant.text, flag.cues, flag.holder), (flag.id, variant.style)


def test_parameters_customer_notice_is_not_the_vendors() -> None:
    assert read_parameters(["vendor_convenience_notice_days"],
                           "You can cancel at any time, for any reason, by giving us 30 days' notice.") == []


@pytest.mark.parametrize(
    ("name", "text"),
    [  # undecided: the red-flag match judges these
        ("customer_convenience_termination", "No party shall have any right to terminate for convenience."),
        ("customer_convenience_termination", "Vendor may terminate for convenience on 30 days' notice."),
        ("customer_convenience_termination", "Fees are non-cancellable; you may end it only for our uncured breach."),
        ("customer_convenience_termination", "Either party may terminate this Agreement on 30 days' written notice if "
         "the other party materially breaches it."),
        ("customer_convenience_termination", "If the affected party is prevented from performing for 30 days or more, "
         "the other party may terminate this Agreement by giving written notice."),
        ("customer_convenience_termination", "Supplier may terminate this Agreement at any time on 90 days' notice."),
    ],
)
def test_parameters_leave_red_flags_to_the_match(name: str, text: str) -> None:
    assert read_parameters([name], text) == []


@pytest.mark.parametrize(
    "text",
    [
        "This is a target, not a guarantee: we don't give service credits or refunds when we miss it.",
        "We aim for high availability but no credits or refunds are provided for downtime.",
        "Availability targets are goals only and shall not give rise to any credit, refund or other remedy.",
        "Failure to meet the availability level shall not entitle the Customer to any compensation or reduction in "
        "the Charges.",
        "Uptime target: 99%. Service credits: none.",
        "Downtime won't earn you a refund or credit of any kind.",
    ],
)
def test_parameters_service_credits_refused(text: str) -> None:
    assert read_parameters(["service_credits"], text)[0].value is False


@pytest.mark.parametrize(
    "text",
    [
        "If availability falls below 99.5%, Customer will receive a service credit of 5% of the monthly fees.",
        "Service credits are Customer's sole and exclusive remedy for any failure to meet the availability level.",
        "Where Supplier fails to meet the availability level it shall not be relieved of its duty to issue credits.",
        "Customer shall not be entitled to a credit note for returned Goods unless they are unused.",  # not an SLA
        "Fees are non-refundable and Customer shall not receive any refund on termination.",
        "The Service will be available 99.9% of each month.",  # silent on credits: they may sit in a schedule
    ],
)
def test_parameters_service_credits_not_refused(text: str) -> None:
    assert all(r.value is not False for r in read_parameters(["service_credits"], text))


def test_parameters_service_credits_given() -> None:
    """Credits offered in words settle "no service credits" for the whole draft (the SLA schedule gives them)."""
    found = read_parameters(["service_credits"], "If Unplanned Downtime exceeds the Downtime Allowance, the Customer "
                                                 "is entitled, on request, to a credit of five percent (5%) of the "
                                                 "monthly fees.")
    assert found and found[0].value is True


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("We aim to keep the Service up and running 99% of the time, measured monthly.", 99.0),
        ("The Platform shall be accessible to Authorised Users for 99.5 per cent of each month.", 99.5),
        ("Provider will keep the Service online and operational 99.95% of the time.", 99.95),
    ],
)
def test_parameters_availability_in_other_words(text: str, value: float) -> None:
    assert read_parameters(["availability_percent"], text)[0].value == value


def test_parameters_availability_ignores_other_percentages() -> None:
    assert read_parameters(["availability_percent"], "Credits are 10% of the monthly fee, up to 50%.") == []


def test_parameters_service_credits_negation_governs_the_verb() -> None:
    text = ("Where in any month that level of availability is not attained the Client shall be entitled to a credit "
            "against the next invoice.")
    assert read_parameters(["service_credits"], text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Consultant may use approved subcontractors; provided that Consultant shall not be responsible or liable for "
        "the acts or omissions of any subcontractor.",
        "The Processor shall bind each Sub-processor to equivalent terms, but shall not be liable to the Controller "
        "for any default of a Sub-processor.",
        "We are not responsible for the acts, omissions or availability of any third-party provider.",
        "Vendor has no liability whatsoever for any failure of its hosting providers.",
        "Customer's only recourse for subcontracted work is against the relevant subcontractor.",
        "Supplier won't be held responsible for what its subcontractors do.",
    ],
)
def test_parameters_vendor_disclaims_subcontractors(text: str) -> None:
    assert read_parameters(["vendor_responsible_for_subcontractors"], text)[0].value is False


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Supplier may subcontract, provided that it shall remain fully liable for the acts and omissions of each "
         "subcontractor as if they were its own.", True),
        ("The Supplier shall not be relieved of its obligations by subcontracting and remains responsible for its "
         "sub-contractors.", True),
        ("Customer shall not be liable for any wages or fees of Supplier's subcontractors.", None),  # the customer's
        ("Supplier shall not subcontract any of its obligations without Customer's prior written consent.", None),
    ],
)
def test_parameters_vendor_keeps_subcontractors(text: str, value: bool | None) -> None:
    """Staying responsible reads as such; the customer's disclaimer and a bare consent rule settle nothing."""
    found = read_parameters(["vendor_responsible_for_subcontractors"], text)
    assert (found[0].value if found else None) is value


@pytest.mark.parametrize(
    "text",
    [
        "Support fees for any renewal period will be charged at Licensor's then-prevailing list rates.",
        "The annual Maintenance Fee may be adjusted by Vendor each renewal year to its standard rates in effect then.",
        "Licensor may revise the annual support fee to its standard support pricing in effect at the time of renewal.",
        "On renewal the Charges will change to the Supplier's published prices then in force.",
        "Renewal terms are charged at the vendor's then-current list price.",
    ],
)
def test_parameters_increase_at_the_vendors_own_prices_is_uncapped(text: str) -> None:
    assert read_parameters(["increase_capped"], text)[0].value is False


@pytest.mark.parametrize(
    "text",
    [
        "Fees are fixed for the initial term; thereafter any increase shall not exceed three percent (3%) per year.",
        "The Supplier may index the Charges by reference to the annual change in the Consumer Prices Index.",
        "Customer shall pay the fees in effect at the time of the order.",  # a price, not an increase
        "Fees are fixed for the Initial Term.",
    ],
)
def test_parameters_capped_or_silent_increase_is_not_uncapped(text: str) -> None:
    assert read_parameters(["increase_capped"], text) == []


@pytest.mark.parametrize(
    "text",
    [
        "From the second year, Vendor may increase the Fees annually by CPI plus 2%.",
        "The Charges shall be adjusted each anniversary by the percentage change in the Consumer Price Index plus "
        "two percent (2%).",
        "Renewal pricing: RPI + 3% per year.",
        "Each year the fees escalate by the rise in the index over the prior year plus an additional 1.5%.",
    ],
)
def test_parameters_an_index_plus_a_margin_is_not_a_capped_increase(text: str) -> None:
    """POLICY.md accepts increases capped at 5% or at CPI; CPI plus a margin has no ceiling of its own, and its
    margin is not the increase (CPI plus 2% is not a 2% cap)."""
    capped = read_parameters(["increase_capped"], text)
    assert capped and capped[0].value is False
    assert text[capped[0].start:capped[0].end] == capped[0].text
    assert read_parameters(["renewal_increase_percent"], text) == []


@pytest.mark.parametrize(
    ("text", "percent"),
    [
        ("Vendor may increase the Fees annually by the lesser of CPI plus 2% and five percent (5%).", 5.0),
        ("Any increase shall not exceed CPI plus 1%, and in no event 4%.", 4.0),
        ("Fees may increase at renewal by no more than 3% over the prior year.", 3.0),
    ],
)
def test_parameters_an_index_margin_under_a_ceiling_reads_the_ceiling(text: str, percent: float) -> None:
    assert read_parameters(["increase_capped"], text) == []
    assert read_parameters(["renewal_increase_percent"], text)[0].value == percent


@pytest.mark.parametrize(
    ("text", "paid"),
    [
        ("On termination Customer shall pay all fees owed through the end of the Subscription Term.", True),
        ("If you terminate early for any reason other than our uncured breach, you will pay an early termination "
         "fee equal to all remaining fees for the rest of the term.", True),
        ("On any early termination the balance of the Charges for the unexpired Term becomes immediately due.", True),
        ("If this Agreement is terminated early, all Fees for the remainder of the Initial Term shall become "
         "immediately due and payable.", True),
        ("On termination by Customer for Vendor breach, Vendor shall refund any prepaid fees for the remainder of "
         "the term.", False),
        ("Either party may terminate for breach; Customer shall pay fees due up to the end of the notice period.",
         False),
        ("On termination, Customer shall pay the fees for Services performed up to the date of termination.", False),
        ("If Customer terminates for Vendor breach, Vendor shall pay Customer the costs of transition for the rest "
         "of the term.", False),
    ],
)
def test_parameters_the_customer_paying_for_the_rest_of_the_term_is_an_early_exit_sum(text: str, paid: bool) -> None:
    """POLICY.md row 24: no liquidated damages on the customer; fees for the rest of the term on an early end are
    such a sum in all but name. Fees for work done, or the vendor's refund, are not."""
    found = read_parameters(["customer_liquidated_damages"], text)
    assert bool(found) is paid
    if found:
        assert found[0].value is True and text[found[0].start:found[0].end] == found[0].text


@pytest.mark.parametrize(
    ("text", "on_customer"),
    [
        ("Licensee shall reimburse Licensor for all costs and expenses of any such audit, including the fees of any "
         "independent auditor, regardless of the results thereof.", True),
        ("You'll pay the reasonable cost of each audit, plus any underpaid fees at our then-current list price.", True),
        ("We may audit your use of the Services at your own expense once a year.", True),
        ("Any audit shall be conducted at Licensee's expense.", True),
        ("Licensor may inspect Licensee's records. Licensor shall bear its own costs of any such audit. Licensee "
         "shall promptly pay, at Licensor's then-current list prices, any fees shown by the audit to be owing.", False),
        ("Vendor may check Customer's use of the Software against its licences no more than once a year, during "
         "business hours and at Vendor's own cost.", False),
        ("Upon not less than thirty (30) days' prior written notice, Licensor may, at its sole expense, audit "
         "Licensee's records.", False),
        ("Licence audit: max 1 per year; 30 days' notice; at Vendor's cost.", False),
        # Not read: a cost that moves only on a finding, a cost shared, the customer's own record keeping.
        ("If any audit reveals an underpayment of more than five percent (5%), Licensee shall reimburse Licensor for "
         "the reasonable costs of the audit.", None),
        ("Each party shall bear its own costs of the audit.", None),
        ("Customer shall, at its own expense, maintain complete records and permit Vendor to audit them once a year.",
         None),
    ],
)
def test_parameters_who_pays_for_the_vendors_audit(text: str, on_customer: bool | None) -> None:
    """POLICY.md row 15: audits at the vendor's own cost; audit costs on the customer are a medium deviation."""
    found = read_parameters(["audit_cost_on_customer"], text)
    assert (found[0].value if found else None) is on_customer
    if found:
        assert text[found[0].start:found[0].end] == found[0].text


@pytest.mark.parametrize(
    ("text", "free"),
    [
        ("You agree that we may identify you as a customer and display your name and logo on our website, in "
         "customer lists and in other marketing materials.", True),
        ("Customer hereby grants Provider the right to use Customer's name, trademarks and logos in Provider's"
         " promotional materials, press releases, investor presentations and customer lists during and after "
         "the Term.", True),
        ("Marketing: Vendor may list Customer as a reference customer and publish a case study.", True),
        ("13.2 Customer References. Lumenfield may name Customer as a customer, and show Customer's logo, on "
         "its website and in its sales materials.", True),
        ("Vendor will not use Customer's name, logo or trademarks, or announce that Customer is a client, in "
         "any publicity or marketing without Customer's prior written consent.", False),
        ("Neither party shall issue any press release or public announcement regarding this Agreement, or use "
         "the other party's name or marks, without the other party's prior written approval.", False),
        ("Supplier may refer to Customer by name in its customer lists only with Customer's prior written "
         "consent.", False),
        ("Vendor may use Customer's name and logo in customer lists without further consent.", True),
        ("We may show the Work, together with your name and logo, on our website, without needing any further "
         "permission from you.", True),
        ("Customer may use Vendor's name and marks to describe the integration.", None),
        ("Each party may name the other as a customer or supplier in its customer lists.", True),
        ("The Supplier shall not use the Customer's name or logo.", False),
        ("Provider's name and logo appear on the Service's login page.", None),
        ("5.1 Reference Customer: Tallyworks may list Customer's name and logo on its website as a Tallyworks "
         "customer.", True),
    ],
)
def test_parameters_vendor_use_of_the_customers_name(text: str, free: bool | None) -> None:
    """POLICY.md row 19: no use of the customer's name or logo without prior written consent."""
    found = read_parameters(["vendor_may_use_customer_name"], text)
    assert (found[0].value if found else None) is free


@pytest.mark.parametrize(
    ("text", "right"),
    [
        ("Neither party is responsible for a delay or failure caused by events beyond its reasonable control. "
         "If such an event stops Vendor from performing for more than 30 days, Customer may end this Agreement"
         " and get a refund.", True),
        ("If a Force Majeure Event prevents Supplier's performance for more than thirty (30) consecutive days,"
         " Customer may terminate this Agreement upon written notice without liability.", True),
        ("If the affected party is prevented from performing for 30 days or more, the other party may "
         "terminate this Agreement by giving written notice.", True),
        ("Force majeure: mutual; Customer may terminate if it continues beyond 30 days.", True),
        ("The Supplier's obligations shall be suspended for so long as the force majeure event continues, and "
         "the Agreement shall continue in force during the period of suspension.", None),
        ("If a force majeure event occurs, the time for our performance will be extended for the duration of "
         "the event, and the subscription term and fees will continue unchanged.", None),
        ("Neither party is responsible for a delay or failure to perform caused by events beyond its "
         "reasonable control, for as long as the event continues. The affected party will resume performance "
         "as soon as it reasonably can.", None),
        ("If the event continues for more than 60 days, Provider may terminate this Agreement on notice.", None),
        ("Customer may not terminate this Agreement or withhold any fees by reason of a Force Majeure Event.", None),
        ("Either party may terminate this Agreement if a force majeure event continues for more than ninety "
         "(90) days.", True),
        ("Neither party shall be liable for delay caused by circumstances beyond its reasonable control; but if the "
         "Supplier is thereby prevented from performing for more than thirty days, the Client may bring the "
         "Agreement to an end by notice in writing.", True),
        ("Neither party shall be liable for delays caused by force majeure; but if the event lasts 60 days, the "
         "Supplier may terminate.", None),
        ("Vendor, at its option, may terminate this Agreement if the event lasts 60 days.", None),
        ("If the event lasts more than 30 days, either of us may end this agreement by written notice.", True),
        ("If such an event stops the Service for more than thirty (30) days, you can end your subscription.", True),
        ("If the event lasts more than 30 days, we may end your subscription.", None),
    ],
)
def test_parameters_customer_may_end_a_long_force_majeure(text: str, right: bool | None) -> None:
    """POLICY.md row 23: the customer may terminate if force majeure lasts too long; the vendor's right alone,
    or a denial, is not that right."""
    found = read_parameters(["customer_fm_termination_right"], text)
    assert (found[0].value if found else None) is right


@pytest.mark.parametrize(
    ("text", "mutual"),
    [
        ("Neither party is responsible for a delay or failure caused by events beyond its reasonable control. "
         "If such an event stops Vendor from performing for more than 30 days, Customer may end this "
         "Agreement.", True),
        ("Neither party shall be in breach of this Agreement nor liable for delay in performing its "
         "obligations if the delay results from events beyond its reasonable control.", True),
        ("We will not be liable for any delay or failure to perform caused by events beyond our reasonable "
         "control. Force majeure does not excuse your obligation to pay fees when due.", False),
        ("Provider shall be excused from performance hereunder during any period of Force Majeure. Customer's "
         "payment obligations shall continue in full force and effect notwithstanding the occurrence of any "
         "Force Majeure Event.", False),
        ("The Supplier shall not be liable for any failure or delay in performing its obligations where such "
         "failure results from any cause beyond its reasonable control; provided that the Customer shall "
         "remain bound to pay the price of any Goods delivered.", False),
        ("Neither party shall be liable for any failure or delay caused by a Force Majeure Event, except that "
         "Customer's obligation to pay fees shall continue.", None),
        ("Neither of us is responsible for delays caused by events beyond our reasonable control.", True),
        ("Force majeure events include fire, flood and war.", None),
    ],
)
def test_parameters_force_majeure_relief_for_both_parties_or_the_vendor_alone(text: str, mutual: bool | None) -> None:
    """POLICY.md row 23: relief must be mutual; the vendor's delays excused while the customer keeps paying is the
    one-sided clause it flags."""
    found = read_parameters(["fm_mutual"], text)
    assert (found[0].value if found else None) is mutual


@pytest.mark.parametrize(
    ("name", "text", "value"),
    [
        ("non_solicit_mutual", "During the term of this Agreement and for twelve (12) months thereafter, "
         "Customer shall "
                 "not, directly or indirectly, solicit for employment or hire any employee of Consultant who"
                 " performed Services hereunder.", False),
        ("non_solicit_mutual", "During the Term and for twelve months after it, Customer will not solicit or hire any "
                 "Lumenfield employee who worked on Customer's onboarding or support.", False),
        ("non_solicit_mutual", "During the term and for twelve months after, you agree not to solicit or hire "
         "any of our "
                 "employees or contractors who were involved in providing the Services to you.", False),
        ("non_solicit_mutual", "Neither party shall, during the Term and for twelve (12) months thereafter, "
         "solicit for "
                 "employment any employee of the other party, except through general advertisements.", True),
        ("non_solicit_mutual", "Customer shall not solicit Vendor's employees. Vendor shall not solicit Customer's "
                 "employees.", True),
        ("non_solicit_mutual", "Vendor shall not solicit any employee of Customer during the Term.", None),
        ("non_solicit_mutual", "Recipient shall not, directly or indirectly, solicit, recruit, employ or "
         "otherwise engage "
                 "any employee of Company.", None),
        ("hiring_fee", "If Customer hires any such employee in breach of this Article, Customer shall pay "
                 "Consultant a placement fee equal to thirty-five percent (35%) of such employee's "
                 "first-year annual base compensation.", True),
        ("hiring_fee", "Neither party shall solicit for employment any employee of the other party.", None),
    ],
)
def test_parameters_non_solicitation_binds_whom_and_at_what_price(name: str, text: str, value: bool | None) -> None:
    """POLICY.md row 17: mutual, no hiring fee; a promise by the Customer alone is one-way on it."""
    found = read_parameters([name], text)
    assert (found[0].value if found else None) is value


@pytest.mark.parametrize(
    ("name", "text", "value"),
    [
        ("customer_owns_deliverables", "Customer owns everything Vendor creates for it under this Agreement and all of "
                 "Customer's own data.", True),
        ("customer_owns_deliverables", "All Deliverables and all intellectual property rights "
         "therein shall be the sole and "
                 "exclusive property of Customer, and Supplier hereby assigns to Customer all right, "
                 "title and interest therein.", True),
        ("customer_owns_deliverables", "Consultant shall retain all right, title and interest in "
         "and to all work product, "
                 "deliverables, reports and materials created in the performance of the Services.", False),
        ("customer_owns_deliverables", "Any customizations, configurations, integrations or other "
         "work product we create for "
                 "you, including at your request, are owned exclusively by us.", False),
        ("customer_owns_deliverables", "All Intellectual Property Rights in the Deliverables shall "
         "vest in the Supplier on "
                 "creation, and the Customer shall have a licence to use them.", False),
        ("customer_owns_deliverables", "Deliverables. 'Deliverables' means the documents and other "
         "work product that we "
                 "create for you under an SOW. We own all rights, including all intellectual property "
                 "rights, in the Deliverables and in everything we develop while performing the "
                 "Services.", False),
        ("customer_owns_deliverables", "Upon payment in full, all Deliverables shall vest in the Customer.", True),
        ("cap_mutual", "Our total liability arising out of or relating to this agreement will not exceed the "
                 "fees you paid us in the twelve (12) months before the event.", False),
        ("cap_mutual", "Each party's total liability will not exceed the fees paid in the twelve (12) months "
                 "before the event.", True),
        ("customer_liability_capped", "Sections 11.1 and 11.2 don't apply to your obligation to pay fees or to "
                                      "either of our obligations under section 10.", True),
        ("customer_owns_deliverables", "Vendor retains all rights in its Pre-Existing Materials, including those "
                                       "incorporated into the Deliverables.", None),
        ("customer_owns_deliverables", "Title to and ownership of the Software (except the Customizations) shall "
                                       "remain with Supplier or its licensors.", None),
        ("customer_owns_deliverables", "Consultant hereby irrevocably assigns and transfers to Aduro all rights in "
                                       "any Work Product.", True),
    ],
)
def test_parameters_who_owns_the_deliverables_and_whom_the_cap_protects(name: str, text: str,
                                                                         value: bool | None) -> None:
    """POLICY.md rows 3 and 5: the customer owns what is made for it (the vendor keeps its pre-existing tools); a
    cap on "our total liability" in a vendor's we/you terms protects the vendor alone."""
    found = read_parameters([name], text)
    assert (found[0].value if found else None) is value


@pytest.mark.parametrize(
    ("text", "own_use"),
    [
        ("Customer agrees that Sableridge may use Customer Personal Data, including call audio and "
         "transcripts, to train, evaluate and tune the speech recognition and language models on which "
         "the Service and Sableridge's other products run, and that Sableridge may use the improved "
         "models for all of its customers.", True),
        ("We may use your content to train and improve our machine learning models.", True),
        ("Provider may aggregate and use Customer Data for its own business purposes, including "
         "benchmarking.", True),
        ("Vendor will not use Customer Data to train any artificial intelligence or machine learning "
         "model.", False),
        ("Vendor will process Customer Data only to provide the Services to Customer.", None),
        ("Vendor may use Customer Data to provide, maintain and improve the Services for Customer.", None),
        ("Customer may use the models and reports generated by the Service for its own business purposes.", None),
        ("The Supplier shall not sell, rent or disclose Customer Personal Data to any third party.", False),
        ("Customer authorizes Vendor to use Meeting Content, including recordings and transcripts, to develop and "
         "train its machine-learning models, including models it makes available to its other customers.", True),
    ],
)
def test_parameters_the_vendors_own_use_of_customer_data(text: str, own_use: bool | None) -> None:
    """POLICY.md row 10: the vendor may not use customer data for its own purposes (training models, selling,
    benchmarking); using it to provide or improve the customer's own service is not that."""
    found = read_parameters(["vendor_own_use_of_data"], text)
    assert (found[0].value if found else None) is own_use


@pytest.mark.parametrize("text, value", [
    ("It does not renew automatically.", False),
    ("The term may be renewed only by the parties' written agreement.", False),
    ("This Agreement will not automatically renew; any renewal requires a signed amendment.", False),
    ("This Agreement renews automatically for successive 12-month terms unless either party gives notice.", True),
    ("Thereafter it shall be automatically renewed for successive periods of one year.", True),
    ("The Initial Term is three years.", None),
])
def test_parameters_auto_renewal(text: str, value: bool | None) -> None:
    found = read_parameters(["auto_renewal"], text)
    assert (found[0].value if found else None) is value


@pytest.mark.parametrize("name, text, value", [
    ("availability_percent", "Customer will receive a credit of 5% for availability between 99.0% and 99.5%, and 10% "
                             "for availability below 99.0%.", 99.5),
    ("availability_percent", "The Service will be available 99.9% of the time in each month; credits below 99.9% are "
                             "set out in Schedule 2.", 99.9),
    ("security_commitment", "We run a formal information security program for the Service, certified to ISO/IEC "
                            "27001.", True),
    ("security_commitment", "Supplier maintains administrative, physical and technical safeguards for Customer "
                            "Data.", True),
    ("security_commitment", "No method of transmission or storage is completely secure, and we cannot guarantee "
                            "the security of your information.", False),
    ("broad_customer_indemnity", "You will defend us against any claim by a third party caused by Your Materials.",
     False),
    ("broad_customer_indemnity", "Customer shall indemnify Vendor against any claims arising from Customer's use of "
                                 "the Service.", True),
    ("vendor_may_change_terms", "Changes must be agreed by both parties, but we may update the policies posted on our "
                                "website from time to time.", True),
    ("vendor_may_change_terms", "Thistlebrook may revise these Short Terms by publishing a new version at its web "
                                "address.", True),
    ("vendor_may_change_terms", "Customer's continued use of the Services after that date is acceptance of it.", True),
    ("vendor_may_change_terms", "This Agreement may be amended only by a written amendment signed by both parties.",
     False),
    ("customer_consent_in_merger", "The Buyer shall not assign any of its rights under this agreement without the "
                                   "Supplier's prior written consent.", True),
    ("customer_consent_in_merger", "Neither party shall assign this Agreement without the prior written consent of "
                                   "the other.", True),
    ("customer_consent_in_merger", "Customer may not assign this Agreement without Vendor's consent. Vendor may assign "
                                   "it to any successor in a merger.", True),
    ("customer_consent_in_merger", "Neither of us may assign this agreement without the other's written consent, "
                                   "except to a company that acquires all or substantially all of its assets.", False),
    ("customer_consent_in_merger", "The Customer shall not assign any of its rights, including upon any merger or "
                                   "change of control, without the prior written consent of the Supplier.", True),
    ("customer_consent_in_merger", "Neither party may assign this Agreement without the other's consent. Either party "
                                   "may assign it to a successor in a merger.", False),
    ("customer_consent_in_merger", "Neither party may assign the contract without the other party's written consent. "
                                   "Either party may, however, assign it without consent to a company that acquires "
                                   "nearly the whole of its business, by merger or otherwise.", False),
    ("customer_consent_in_merger", "Licensee shall not assign this Agreement without Licensor's consent. Licensor may "
                                   "assign it without Licensee's consent only to a successor to its business.", True),
    ("cap_mutual", "Each of our total liability will not exceed the fees paid in the 24 months before the event.",
     True),
    ("cap_mutual", "Pelagic's total liability under this agreement is capped at the fees Client paid Pelagic over "
                   "the twelve (12) months before the claim.", False),
    ("increase_capped", "The Supplier may review the Charges with effect from each anniversary of the Effective "
                        "Date and shall notify the Customer of any revised Charges.", False),
    ("increase_capped", "Prices may be adjusted annually by CPI.", None),
    ("customer_volume_commitment", "The Customer commits to purchasing Additional Compute Units to a value of not "
                                   "less than US$30,000 in each Contract Year.", True),
    ("customer_volume_commitment", "Buyer shall purchase at least 500 units a year; any shortfall is payable.", True),
    ("customer_volume_commitment", "Customer has no minimum purchase obligation.", None),
    ("customer_volume_commitment", "Vendor shall maintain a minimum availability of 99.9%.", None),
    ("vendor_owns_customer_data", "The Customer owns all rights, title and interest in and to the Customer Data.",
     False),
    ("vendor_perpetual_data_licence", "The Customer grants Vendor a non-exclusive, perpetual, irrevocable licence to "
                                      "retain, copy and use the Customer Data.", True),
    ("vendor_perpetual_data_licence", "Consultant grants Client a perpetual, irrevocable license to use the "
                                      "Consultant Materials and the information in them.", False),
    ("customer_owns_deliverables", "To the extent a Deliverable incorporates materials owned by the Supplier before "
                                   "the Effective Date, the Supplier grants the Customer a licence to use them.", None),
    ("audits_per_year", "The Supplier shall allow for audits by the Customer once in any Contract Year, and at any "
                        "time following a personal data breach.", None),
    ("customer_consent_in_merger", "Neither Party may assign this Agreement without the prior consent of the other "
                                   "Party. The consent is not required for an assignment to a legal successor in a "
                                   "merger.", False),
    ("vendor_responsible_for_subcontractors", "Consultant may not subcontract without Client's consent, and remains "
                                              "responsible for any approved subcontractor as for its own personnel.",
     True),
    # the governing words may follow the mention: the data breach stays under the cap
    ("data_breach_carve_out", "Notwithstanding Section 14.3(b), Vendor's liability for any Security Incident is not "
                              "an Excluded Matter and remains subject to the limit in Section 14.2.", False),
    ("data_breach_carve_out", "Liability for data breaches will not remain subject to the cap.", True),
    # a credit band under a target defined elsewhere is not the commitment
    ("availability_percent", "If Monthly Availability falls below the Availability Target, Vendor will credit "
                             "Customer: Monthly Availability below the Availability Target but at least 99.0%: 10%.",
     None),
    ("late_fee_percent_per_month", "Invoices not paid by the due date shall incur a late charge of $2.00 for every "
                                   "$100.00 of the unpaid balance for each month that it remains unpaid.", 2.0),
    ("availability_percent", 'The "Downtime Allowance" is seven (7) hours and twelve (12) minutes per calendar '
                             "month.", 99.01),
    ("availability_percent", "Scheduled maintenance of up to 6 hours per month is not Downtime.", None),
    ("survival_years", "The Confidentiality Period ends on the first (1st) anniversary of the expiration or earlier "
                       "termination of this Agreement.", 1.0),
    ("non_solicit_months", "For a period of one (1) year and six (6) months following the Effective Date, neither "
                           "party shall solicit for employment any employee of the other.", 18.0),
    ("all_warranties_disclaimed", 'ALL CONFIDENTIAL INFORMATION IS PROVIDED "AS IS". NEITHER PARTY MAKES ANY '
                                  "WARRANTY AS TO ITS ACCURACY.", False),
    ("all_warranties_disclaimed", 'THE SERVICE AND ALL INFORMATION IN IT ARE PROVIDED "AS IS".', True),
    ("increase_capped", "Our rates and fixed fees in an SOW do not change during that SOW unless a signed change "
                        "request changes them.", None),
    ("increase_capped", "5.7 Renewal Pricing. At the start of each Renewal Term, Vendor may adjust the Fees.", False),
    ("increase_capped", "The Support Fees for each renewal shall equal twenty percent (20%) of the list license fee "
                        "then published by Licensor.", False),  # a share of the vendor's own price
    ("customer_liability_capped", "Customer's obligation to pay the Fees, and Customer's liability for any breach of "
                                  "this Agreement, shall not be subject to the limitation of liability in 12.2.",
     False),
    ("customer_liability_capped", "The limits do not apply to Customer's obligation to pay the Fees.", True),
    ("vendor_ip_indemnity", "Licensor shall defend Customer against any claim by a third party alleging that the "
                            "Licensed Software infringes any patent or copyright.", True),
    ("vendor_ip_indemnity", "Customer shall indemnify Vendor against any claim that Customer Data infringes a third "
                            "party's rights.", None),
    ("vendor_ip_indemnity", "Vendor shall have no obligation to defend or indemnify Customer against claims of "
                            "infringement.", False),
    ("hiring_fee", "If you end an SOW early, you'll pay us an early-exit fee equal to fifty percent (50%) of the "
                   "retainer fees for the rest of its term.", None),
    ("customer_liquidated_damages", "If you end an SOW before the end of its term, you'll pay us an early-exit fee "
                                    "equal to fifty percent (50%) of the retainer fees that would have been payable "
                                    "for the rest of that SOW's term.", True),
    ("non_solicit_mutual", "For twelve (12) months after it ends, you won't solicit or hire any Vendor employee.",
     False),
    ("customer_fm_termination_right", "If such an event stops either of us from performing an SOW for more than "
                                      "thirty (30) days, either of us can end that SOW by written notice.", True),
    ("vendor_may_change_terms", "Wrenfield may not change the Agreement by posting revised terms or by notice.", None),
    ("data_breach_carve_out", "Any liability of Vendor arising from a Personal Data Breach shall count towards and be "
                              "subject to the aggregate cap, and shall not be treated as excluded from it.", False),
    ("breach_notice_time_stated", "Vendor shall notify the Customer of any Personal Data Breach without undue delay "
                                  "and in any event within the Notification Window.", None),
    # a clock that starts when the vendor's own assessment ends states no time from awareness
    ("breach_notice_time_stated", "Vendor must notify the Customer of any Data Breach within 72 hours after "
                                  "completing its assessment under clause 14.7.", False),
    ("breach_notice_hours", "Vendor must notify the Customer of any Data Breach within 72 hours after completing its "
                            "assessment under clause 14.7.", None),
    ("increase_capped", "Equipment Shipped after that period shall be invoiced at Seller's prices in effect on the "
                        "date of Shipment, and the balance payable shall be adjusted accordingly.", False),
    ("warranty_days", "Seller warrants that the Installation Services will be performed in a workmanlike manner. Any "
                      "defect that Buyer notifies to Seller within sixty (60) days after completion shall be corrected "
                      "by Seller.", 60.0),
    ("broad_customer_indemnity", "Tallowood indemnifies the Customer against any claim by a third party that the "
                                 "Services infringe its rights.", False),
    ("broad_customer_indemnity", "The Customer indemnifies Vendor against any claim by a third party that Customer "
                                 "Data, or Vendor's use of it, infringes that third party's rights.", False),
    ("late_fee_percent_per_month", "The hourly rates in any later Statement of Work will not exceed the preceding "
                                   "rates by more than three percent (3%).", None),
    ("audit_notice_days", "Once in each Contract Year, on at least 20 Business Days' notice, the Customer or an "
                          "independent auditor appointed by it may audit the Supplier's compliance.", None),
])
def test_parameters_commitments_read_from_their_own_sentence(name: str, text: str, value: object) -> None:
    found = read_parameters([name], text)
    assert (found[0].value if found else None) == value
