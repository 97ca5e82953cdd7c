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
