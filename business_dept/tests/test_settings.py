from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import BusinessDeptCase

DEFAULTS = {
    "quote_signoff_required": True,
    "quote_signoff_min_amount": 0.0,
    "agreement_required": True,
    "review_working_days": 4,
    "backlog_months": 3,
    "target_threshold": 90.0,
    "satisfaction_threshold": 80.0,
    "output_basis": "invoiced",
    "logistics_tolerance": 0.0,
    "insert_gm_amount": 0.0,
    "insert_gm_days": 0,
    "payment_ontime_threshold": 90.0,
    "invoice_ontime_threshold": 90.0,
    "review_ontime_threshold": 90.0,
    "backlog_explained_threshold": 90.0,
}


@tagged("post_install", "-at_install")
class TestSettings(BusinessDeptCase):
    def test_defaults_on_a_new_company(self):
        company = self.env["res.company"].create({"name": "New Co."})
        for fname, value in DEFAULTS.items():
            self.assertEqual(company[fname], value, fname)

    def test_defaults_shown_in_settings(self):
        settings = self.env["res.config.settings"].create({})
        for fname in DEFAULTS:
            self.assertEqual(settings[fname], self.company[fname], fname)

    def test_round_trip_through_settings_form(self):
        new_values = {
            "quote_signoff_required": False,
            "agreement_required": False,
            "review_working_days": 5,
            "backlog_months": 6,
            "target_threshold": 85.0,
            "satisfaction_threshold": 75.0,
            "output_basis": "delivered",
            "logistics_tolerance": 2.5,
            "insert_gm_amount": 50000.0,
            "insert_gm_days": 3,
            "payment_ontime_threshold": 95.0,
            "invoice_ontime_threshold": 80.0,
            "review_ontime_threshold": 70.0,
            "backlog_explained_threshold": 60.0,
        }
        form = Form(self.env["res.config.settings"])
        for fname, value in new_values.items():
            setattr(form, fname, value)
        form.save().execute()
        for fname, value in new_values.items():
            self.assertEqual(self.company[fname], value, fname)
        # and they come back into a fresh settings form
        form = Form(self.env["res.config.settings"])
        for fname, value in new_values.items():
            self.assertEqual(getattr(form, fname), value, fname)
        # the minimum amount shows once sign-off is on again
        form.quote_signoff_required = True
        form.quote_signoff_min_amount = 10000.0
        form.save().execute()
        self.assertEqual(self.company.quote_signoff_min_amount, 10000.0)

    def test_out_of_range_values_refused(self):
        bad_values = [
            ("target_threshold", 100.5),
            ("target_threshold", -1.0),
            ("satisfaction_threshold", 101.0),
            ("payment_ontime_threshold", -0.1),
            ("invoice_ontime_threshold", 120.0),
            ("review_ontime_threshold", 100.01),
            ("backlog_explained_threshold", -5.0),
            ("review_working_days", 0),
            ("backlog_months", 0),
            ("insert_gm_days", -1),
            ("quote_signoff_min_amount", -1.0),
            ("logistics_tolerance", -0.01),
            ("insert_gm_amount", -100.0),
        ]
        for fname, value in bad_values:
            with self.subTest(setting=fname, value=value):
                before = self.company[fname]
                with self.assertRaisesRegex(ValidationError, "must"):
                    with self.env.cr.savepoint():
                        self.company.write({fname: value})
                        self.company.flush_recordset()
                self.company.invalidate_recordset()
                self.assertEqual(self.company[fname], before)

    def test_out_of_range_refused_through_settings(self):
        with self.assertRaisesRegex(ValidationError, "Order Review Working Days"):
            with self.env.cr.savepoint():
                self.env["res.config.settings"].create({"review_working_days": 0}).execute()
        self.env.invalidate_all()
        self.assertEqual(self.company.review_working_days, 4)

    def test_boundaries_accepted(self):
        self.company.write(
            {
                "target_threshold": 0.0,
                "satisfaction_threshold": 100.0,
                "review_working_days": 1,
                "backlog_months": 1,
                "insert_gm_days": 0,
                "logistics_tolerance": 0.0,
            }
        )
        self.assertEqual(self.company.satisfaction_threshold, 100.0)
