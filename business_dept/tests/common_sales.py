from datetime import datetime

from pytz import timezone, utc

from .common import BusinessDeptCase


class SalesRulesCase(BusinessDeptCase):
    """Fixture of the sales rules: a product, a working calendar in Shanghai time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "quote_signoff_required": False,
                "agreement_required": False,
                "review_working_days": 4,
            }
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Test Bearing", "type": "consu", "list_price": 100.0}
        )
        cls.calendar = cls.env["resource.calendar"].create(
            {"name": "Business Test Calendar", "tz": "Asia/Shanghai", "company_id": cls.company.id}
        )
        cls.company.resource_calendar_id = cls.calendar

    @classmethod
    def local(cls, *args):
        """Naive UTC datetime of a Shanghai wall-clock time."""
        return (
            timezone("Asia/Shanghai").localize(datetime(*args)).astimezone(utc).replace(tzinfo=None)
        )

    @classmethod
    def make_order(cls, user=None, qty=10, price=100.0, partner=None, **values):
        user = user or cls.manager
        return (
            cls.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": (partner or cls.customer).id,
                    "user_id": user.id,
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": cls.product.id,
                                "product_uom_qty": qty,
                                "price_unit": price,
                            },
                        )
                    ],
                    **values,
                }
            )
        )


class AgreementCase(SalesRulesCase):
    """Fixture of the agreement ledger (合同台账): the customer's framework agreement valid
    until 30 April 2026, another customer's expired on 30 March 2026."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write({"agreement_date": "2025-05-01", "agreement_expiry": "2026-04-30"})
        cls.expired = cls.env["res.partner"].create(
            {
                "name": "Expired Co.",
                "is_company": True,
                "user_id": cls.manager2.id,
                "agreement_date": "2024-01-01",
                "agreement_expiry": "2026-03-30",
            }
        )
