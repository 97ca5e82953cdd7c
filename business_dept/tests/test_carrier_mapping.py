import base64
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools.misc import file_open

from .test_logistics_reconciliation import LogisticsCase


@tagged("post_install", "-at_install")
class TestCarrierMapping(LogisticsCase):
    """Carrier file mappings (business.logistics.import.mapping): the default one reads
    today's files, a carrier's own one reads its columns, formats and prefix."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Mapping = cls.env["business.logistics.import.mapping"]
        cls.default = cls.env.ref("business_dept.business_logistics_import_mapping_default")
        cls.own_file = (
            "德邦 statement;;;;\n"
            "Consignment;Pickup;Billed;Remote fee;Pieces\n"
            "TX-WB001;2026/01/05;18,00;2,00;1\n"
            "tx wb002;2026/01/10;1.020,00;;4\n"
            "合计;;1.040,00;2,00;5\n"
        ).encode("gbk")

    def _own_mapping(self, **vals):
        return self.Mapping.with_user(self.assistant).create(
            {
                "name": "Test Express file",
                "partner_id": self.carrier_partner.id,
                "waybill_names": "Consignment",
                "date_names": "Pickup",
                "amount_names": "Billed",
                "surcharges_names": "Remote fee",
                "pieces_names": "Pieces",
                "date_formats": "%Y/%m/%d",
                "decimal_separator": "comma",
                "thousands_separator": "dot",
                "encoding": "gbk",
                "waybill_prefix": "TX",
                **vals,
            }
        )

    def _wizard(self, statement, content, filename, mapping=None):
        vals = {
            "statement_id": statement.id,
            "file": base64.b64encode(content),
            "filename": filename,
        }
        if mapping is not None:
            vals["mapping_id"] = mapping.id
        return (
            self.env["business.logistics.statement.import"].with_user(self.assistant).create(vals)
        )

    def test_default_mapping_reads_the_demo_file(self):
        """The shipped 顺丰 XLSX (title rows, 合计 row) with the default mapping."""
        statement = self._statement(date_from=date(2026, 11, 1), date_to=date(2026, 11, 30))
        with file_open("business_dept/demo/shunfeng_statement_2026-11.xlsx", "rb") as fh:
            content = fh.read()
        wizard = self._wizard(statement, content, "shunfeng_statement_2026-11.xlsx")
        self.assertEqual(wizard.mapping_id, self.default)
        wizard.action_import()
        self.assertEqual(
            sorted(statement.line_ids.mapped("waybill")),
            ["SF1426038755213", "SF1426038755227", "SF1426038759930"],
        )
        self.assertEqual(statement.amount_carrier, 56.0)  # not the 合计 row
        self.assertEqual(set(statement.line_ids.mapped("source")), {"import"})

    def test_carrier_mapping_reads_its_file(self):
        """Other column names, GBK, decimal commas, a surcharge column and the
        carrier's prefix: the waybills match our deliveries WB001 / WB002."""
        mapping = self._own_mapping()
        statement = self._statement()
        statement.action_collect()
        wizard = self._wizard(statement, self.own_file, "db.csv")
        self.assertEqual(wizard.mapping_id, mapping)
        wizard.action_import()
        lines = {line.picking_id: line for line in statement.line_ids}
        self.assertEqual(lines[self.p1].waybill, "TX-WB001")
        self.assertEqual(lines[self.p1].amount, 20.0)
        self.assertEqual(lines[self.p1].surcharge, 2.0)
        self.assertEqual(lines[self.p1].match_state, "matched")
        self.assertEqual(lines[self.p2].amount, 1020.0)
        self.assertEqual(lines[self.p2].pieces, 4)
        self.assertEqual(lines[self.p2].date, date(2026, 1, 10))
        self.assertEqual(lines[self.p3].match_state, "missing_carrier")
        self.assertEqual(len(statement.line_ids), 3)
        # the default mapping does not read this file
        other = self._statement()
        with self.assertRaisesRegex(UserError, "Waybill"):
            self._wizard(other, self.own_file, "db.csv", self.default).action_import()

    def test_bad_row_is_named_and_nothing_changes(self):
        self._own_mapping()
        statement = self._statement()
        statement.action_collect()
        before = statement.line_ids.read(["waybill", "amount", "carrier_listed", "match_state"])
        content = self.own_file.replace(b"1.020,00", b"abc")
        with self.assertRaises(UserError) as caught:
            self._wizard(statement, content, "db.csv").action_import()
        self.assertIn("Row 4", str(caught.exception))
        self.assertIn("Billed", str(caught.exception))
        self.assertIn("abc", str(caught.exception))
        after = statement.line_ids.read(["waybill", "amount", "carrier_listed", "match_state"])
        self.assertEqual(after, before)

    def test_wrong_role_cannot_edit_mappings(self):
        mapping = self._own_mapping()
        self.assertEqual(mapping.with_user(self.finance).name, "Test Express file")
        for user in (self.finance, self.manager, self.salesman):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                mapping.with_user(user).write({"waybill_names": "Waybill"})
        with self.assertRaises(AccessError):
            self.Mapping.with_user(self.finance).create(
                {"name": "x", "waybill_names": "a", "amount_names": "b"}
            )
        with self.assertRaises(AccessError):
            mapping.with_user(self.assistant).unlink()
        mapping.with_user(self.director).unlink()

    def test_other_company_mapping_is_not_used(self):
        company_b = self.env["res.company"].create({"name": "Mapping Company B"})
        self.assistant.write({"company_ids": [Command.link(company_b.id)]})
        mapping_b = self._own_mapping(company_id=company_b.id)
        statement = self._statement()  # company A
        wizard = self._wizard(statement, self.own_file, "db.csv")
        self.assertEqual(wizard.mapping_id, self.default)
        self.assertEqual(statement._waybill_prefixes(), ())
        # forced, it is refused and nothing is written
        forced = self._wizard(statement, self.own_file, "db.csv", mapping_b)
        with self.assertRaisesRegex(UserError, "not for"):
            forced.action_import()
        self.assertFalse(statement.line_ids)
        # company A's own mapping comes before a shared one
        shared = self._own_mapping(company_id=False, name="Shared")
        own_a = self._own_mapping(company_id=self.company.id, name="A")
        self.assertEqual(self._wizard(statement, self.own_file, "db.csv").mapping_id, own_a)
        own_a.active = False
        self.assertEqual(self._wizard(statement, self.own_file, "db.csv").mapping_id, shared)

    def test_mapping_prefix_rekeys_lines(self):
        """A prefix given on the carrier's mapping keys the statement's waybills again,
        as the agreement's prefix does."""
        statement = self._statement()
        statement.action_collect()
        self._wizard(statement, b"waybill,amount\nTXWB001,20\n", "s.csv").action_import()
        line = statement.line_ids.filtered(lambda line: line.waybill == "TXWB001")
        self.assertEqual(line.match_state, "unknown")
        mapping = self._own_mapping()
        self.assertEqual(line.waybill_key, "WB001")
        statement.action_match()
        self.assertEqual(line.picking_id, self.p1)
        mapping.waybill_prefix = False
        self.assertEqual(line.waybill_key, "TXWB001")
