from datetime import date, datetime

from odoo.tests import Form, tagged

from .test_logistics_reconciliation import CarrierFileCase, LogisticsCase


class WaybillCase(LogisticsCase):
    """Deliveries of March 2026 whose waybills the carrier writes its own way."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kg_product = cls.env["product.product"].create(
            {"name": "Parcel of 1 kg", "type": "consu", "weight": 1.0}
        )

    def _march(self):
        return self._statement(date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))

    def _march_delivery(self, ref, day, qty=1):
        return self._delivery(ref, datetime(2026, 3, day, 3, 0), qty=qty, product=self.kg_product)

    def _line(self, statement, picking):
        return statement.line_ids.filtered(lambda line: line.picking_id == picking)


@tagged("post_install", "-at_install")
class TestWaybillNormalisation(WaybillCase):
    def test_case_and_spaces(self):
        """The carrier writes sf1302000001 and SF 1302 0000 02 for our SF1302000001 and
        SF1302000002: both matched, shown as the carrier wrote them."""
        first = self._march_delivery("SF1302000001", 2)
        second = self._march_delivery("SF1302000002", 3)
        statement = self._march()
        statement.action_collect()
        rows = [["运单号", "运费"], ["sf1302000001", "20"], ["SF 1302 0000 02", "20"]]
        self._import(statement, self._csv(rows), "march.csv")
        self.assertEqual(len(statement.line_ids), 2)
        self.assertEqual(set(statement.line_ids.mapped("match_state")), {"matched"})
        self.assertEqual(self._line(statement, first).waybill, "sf1302000001")
        self.assertEqual(self._line(statement, second).waybill, "SF 1302 0000 02")
        self.assertEqual(statement.state, "matched")
        self.assertEqual(statement.amount_agreed, 40.0)

    def test_full_width_and_hyphens(self):
        """Full-width characters (a Chinese input method), hyphens and dashes, an
        ideographic space: the same waybills."""
        first = self._march_delivery("SF1302000001", 2)
        second = self._march_delivery("sf-1302-000002", 3)
        third = self._march_delivery("SF1302000003", 4)
        statement = self._march()
        rows = [
            ["运单号", "运费"],
            ["ＳＦ１３０２０００００１", "20"],
            ["SF1302000002", "20"],
            ["SF－1302\u3000000003", "20"],
        ]
        self._import(statement, self._csv(rows), "march.csv")
        self.assertEqual(statement.line_ids.picking_id, first | second | third)
        self.assertEqual(set(statement.line_ids.mapped("match_state")), {"matched"})
        self.assertEqual(statement.line_ids[0].waybill, "ＳＦ１３０２０００００１")
        self.assertEqual(statement.state, "matched")

    def test_carrier_prefix(self):
        """The carrier writes SF before waybills our deliveries store without it, and the
        reverse: once the agreement names the prefix, the same waybills."""
        bare = self._march_delivery("1302000003", 2)
        prefixed = self._march_delivery("SF1302000004", 3)
        statement = self._march()
        statement.action_collect()
        rows = [["运单号", "运费"], ["SF1302000003", "20"], ["1302 000 004", "20"]]
        self._import(statement, self._csv(rows), "march.csv")
        self.assertEqual(
            sorted(statement.line_ids.mapped("match_state")),
            ["missing_carrier", "missing_carrier", "unknown", "unknown"],
        )
        self.agreement.waybill_prefix = "sf"
        statement.with_user(self.assistant).action_match()
        self.assertEqual(len(statement.line_ids), 4)  # lines already there: not merged
        # imported again, the carrier's rows fill our deliveries
        self._import(statement, self._csv(rows), "march.csv")
        self.assertEqual(len(statement.line_ids), 2)
        self.assertEqual(self._line(statement, bare).match_state, "matched")
        self.assertEqual(self._line(statement, bare).waybill, "SF1302000003")
        self.assertEqual(self._line(statement, prefixed).match_state, "matched")
        self.assertEqual(statement.state, "matched")
        # without collecting, the carrier's rows find our deliveries too
        other = self._march()
        self._import(other, self._csv(rows), "march.csv")
        self.assertEqual(other.line_ids.picking_id, bare | prefixed)

    def test_search_by_waybill_however_typed(self):
        """The assistant finds the statement by the waybill typed her own way."""
        self.agreement.waybill_prefix = "SF"
        self._march_delivery("SF1302000001", 2)
        statement = self._march()
        self._import(statement, self._csv([["运单号", "运费"], ["sf 1302 0000 01", "20"]]), "m.csv")
        Statement = self.env["business.logistics.statement"].with_user(self.assistant)
        carrier = [("partner_id", "=", self.carrier_partner.id)]
        for typed in ("SF1302000001", "1302-0000-01", "ＳＦ１３０２", "0000 01"):
            found = Statement.search(carrier + [("waybill_search", "ilike", typed)])
            self.assertEqual(found, statement, typed)
        self.assertFalse(Statement.search(carrier + [("waybill_search", "ilike", "SF1302000002")]))

    def test_prefix_of_another_carrier_does_not_apply(self):
        """The prefix belongs to the carrier whose agreement names it."""
        self.agreement.waybill_prefix = "SF"
        self._march_delivery("ZT1302000005", 2)
        statement = self._march()
        statement.action_collect()
        rows = [["运单号", "运费"], ["1302000005", "20"]]
        self._import(statement, self._csv(rows), "march.csv")
        self.assertEqual(
            sorted(statement.line_ids.mapped("match_state")), ["missing_carrier", "unknown"]
        )

    def test_same_waybill_twice_in_the_file_is_a_duplicate(self):
        """Listed twice by the carrier, however written: the second is a duplicate."""
        delivery = self._march_delivery("SF1302000001", 2)
        statement = self._march()
        statement.action_collect()
        rows = [["运单号", "运费"], ["SF1302000001", "20"], ["sf 1302-000001", "20"]]
        self._import(statement, self._csv(rows), "march.csv")
        self.assertEqual(sorted(statement.line_ids.mapped("match_state")), ["duplicate", "matched"])
        ours = statement.line_ids.filtered(lambda line: line.source == "collected")
        self.assertEqual((ours.picking_id, ours.match_state), (delivery, "matched"))
        self.assertEqual(statement.amount_expected, 20.0)
        self.assertEqual(statement.state, "draft")

    def test_reimport_keeps_a_resolution_however_written(self):
        """A corrected file writing the waybill another way keeps the row's resolution."""
        self._march_delivery("SF1302000001", 2)
        statement = self._march()
        statement.action_collect()
        self._import(statement, self._csv([["运单号", "运费"], ["SF1302000001", "26"]]), "a.csv")
        statement.line_ids.with_user(self.assistant).resolution = "accept_carrier"
        self._import(statement, self._csv([["运单号", "运费"], ["sf 1302 000001", "26"]]), "b.csv")
        self.assertEqual(len(statement.line_ids), 1)
        self.assertEqual(statement.line_ids.resolution, "accept_carrier")
        self.assertEqual(statement.state, "matched")


@tagged("post_install", "-at_install")
class TestWaybillShipments(WaybillCase):
    def _two_boxes(self):
        """Two deliveries of 6 kg and 4 kg under one waybill (多件合单)."""
        self.agreement.write({"pricing_mode": "per_kg", "rate": 5.0})
        first = self._march_delivery("SF1302000009", 2, qty=6)
        second = self._march_delivery("SF1302000009", 2, qty=4)
        return first, second

    def test_two_boxes_one_waybill(self):
        """The carrier bills 50 for the waybill: one shipment, expected 5 × 10 kg = 50,
        matched, not a duplicate."""
        first, second = self._two_boxes()
        statement = self._march()
        statement.action_collect()
        self.assertEqual(statement.amount_expected, 50.0)
        self._import(statement, self._csv([["运单号", "运费"], ["SF1302000009", "50"]]), "m.csv")
        self.assertNotIn("duplicate", statement.line_ids.mapped("match_state"))
        self.assertNotIn("amount_diff", statement.line_ids.mapped("match_state"))
        billed = statement.line_ids.filtered("carrier_listed")
        self.assertEqual(len(billed), 1)
        self.assertEqual(billed.expected_amount, 50.0)
        self.assertEqual(billed.match_state, "matched")
        self.assertEqual(statement.line_ids.picking_id, first | second)
        self.assertEqual(statement.amount_expected, 50.0)
        self.assertEqual(statement.amount_agreed, 50.0)
        self.assertEqual(statement.unsettled_count, 0)
        self.assertEqual(statement.state, "matched")

    def test_two_boxes_imported_without_collecting(self):
        """Without our deliveries collected, the carrier's line is priced on both boxes."""
        self._two_boxes()
        statement = self._march()
        self._import(statement, self._csv([["运单号", "运费"], ["sf1302000009", "50"]]), "m.csv")
        self.assertEqual(statement.line_ids.expected_amount, 50.0)
        self.assertEqual(statement.line_ids.match_state, "matched")
        self.assertEqual(statement.state, "matched")

    def test_two_boxes_per_shipment(self):
        """Priced per shipment, two boxes under one waybill cost one shipment."""
        self._two_boxes()
        self.agreement.write({"pricing_mode": "per_shipment", "rate": 20.0})
        statement = self._march()
        statement.action_collect()
        self._import(statement, self._csv([["运单号", "运费"], ["SF1302000009", "20"]]), "m.csv")
        self.assertEqual(statement.amount_expected, 20.0)
        self.assertEqual(statement.state, "matched")

    def test_flat_monthly_counts_shipments(self):
        """A flat monthly amount is shared by the month's shipments: two boxes under one
        waybill and another delivery are two shipments of 450."""
        self._two_boxes()
        self._march_delivery("SF1302000010", 5)
        self.agreement.write({"pricing_mode": "flat_monthly", "rate": 900.0})
        statement = self._march()
        statement.action_collect()
        self.assertEqual(statement.amount_expected, 900.0)
        self.assertEqual(sorted(statement.line_ids.mapped("expected_amount")), [0.0, 450.0, 450.0])

    def test_two_boxes_billed_twice(self):
        """The carrier lists the shipment's waybill twice: the second is a duplicate."""
        self._two_boxes()
        statement = self._march()
        statement.action_collect()
        rows = [["运单号", "运费"], ["SF1302000009", "50"], ["SF 1302000009", "50"]]
        self._import(statement, self._csv(rows), "m.csv")
        self.assertEqual(statement.line_ids.mapped("match_state").count("duplicate"), 1)
        self.assertEqual(statement.amount_expected, 50.0)
        self.assertEqual(statement.state, "draft")


@tagged("post_install", "-at_install")
class TestWaybillSettleOnResolution(WaybillCase):
    def test_resolving_the_last_difference_settles(self):
        """The assistant settles the last difference in the form: the statement is
        reconciled and sent for approval, without pressing Match again."""
        statement = self._collected_and_imported(
            [["waybill", "amount"], ["WB001", "26"], ["WB002", "20"], ["WB003", "20"]]
        )
        self.assertEqual((statement.state, statement.unsettled_count), ("draft", 1))
        index = statement.line_ids.ids.index(
            statement.line_ids.filtered(lambda line: line.waybill == "WB001").id
        )
        with Form(statement.with_user(self.assistant)) as form:
            with form.line_ids.edit(index) as row:
                row.resolution = "accept_ours"
        self.assertEqual(statement.state, "matched")
        self.assertEqual(statement.amount_agreed, 60.0)
        self.assertTrue(statement.review_ids)
        statement.with_user(self.finance).action_finance_approve()
        self.assertEqual(statement.state, "approved")

    def test_clearing_a_resolution_reopens(self):
        """A resolution taken back leaves a difference open: back to draft."""
        statement = self._collected_and_imported(
            [["waybill", "amount"], ["WB001", "26"], ["WB002", "20"], ["WB003", "20"]]
        )
        line = statement.line_ids.filtered(lambda line: line.waybill == "WB001")
        line.with_user(self.assistant).resolution = "accept_carrier"
        self.assertEqual(statement.state, "matched")
        line.with_user(self.assistant).resolution = False
        self.assertEqual(statement.state, "draft")
        self.assertFalse(statement.review_ids)

    def test_changed_resolution_is_reviewed_again(self):
        """On a reconciled statement, another resolution changes the agreed amount: the
        validation is requested again, finance reviews the new figure."""
        statement = self._collected_and_imported(
            [["waybill", "amount"], ["WB001", "26"], ["WB002", "20"], ["WB003", "20"]]
        )
        line = statement.line_ids.filtered(lambda line: line.waybill == "WB001")
        line.with_user(self.assistant).resolution = "accept_ours"
        reviews = statement.review_ids
        self.assertTrue(reviews)
        line.with_user(self.assistant).resolution = "accept_carrier"
        self.assertEqual(statement.state, "matched")
        self.assertEqual(statement.amount_agreed, 66.0)
        self.assertTrue(statement.review_ids)
        self.assertFalse(statement.review_ids & reviews)

    def test_not_the_last_difference(self):
        """One of two differences resolved: still draft."""
        statement = self._collected_and_imported(
            [["waybill", "amount"], ["WB001", "26"], ["WB002", "27"], ["WB003", "20"]]
        )
        lines = statement.line_ids.filtered(lambda line: line.waybill in ("WB001", "WB002"))
        lines[0].with_user(self.assistant).resolution = "accept_ours"
        self.assertEqual(statement.state, "draft")
        lines[1].with_user(self.assistant).resolution = "disputed"
        self.assertEqual(statement.state, "matched")


@tagged("post_install", "-at_install")
class TestWaybillBilledElsewhere(CarrierFileCase):
    def test_billed_waybill_written_another_way(self):
        """Billed on May's approved statement, the waybill written with spaces on June's
        statement is still the billed waybill: a duplicate."""
        may = self._month(5)
        may.action_collect()
        self._import(may, self._csv([["运单号", "运费"], ["773123456789", "20.00"]]), "may.csv")
        may.with_user(self.finance).action_finance_approve()
        self.assertEqual(may.state, "approved")
        june = self._month(6)
        self._import(june, self._csv([["运单号", "运费"], ["7731 2345 6789", "20"]]), "june.csv")
        self.assertEqual(june.line_ids.match_state, "duplicate")
        self.assertEqual(june.amount_agreed, 0.0)
