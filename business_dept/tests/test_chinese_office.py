"""A Chinese office worker's day (zh_CN, zh_TW): the approvals of OCA tier validation, the
activities made by the crons, the messages naming a kind of document and the statement
mailed to a Chinese customer read Chinese; the roles are chosen on the user form."""

import re
from datetime import timedelta

import polib
from lxml import etree

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools.misc import file_path

from .common_sales import SalesRulesCase
from .test_customer_statement import CustomerStatementCase

LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def po_translation(lang, msgid):
    """The addon's translation of ``msgid`` in ``lang`` (its i18n/<lang>.po)."""
    for entry in polib.pofile(file_path(f"business_dept/i18n/{lang}.po")):
        if entry.msgid == msgid and not entry.obsolete:
            return entry.msgstr
    return None


def load_chinese(env, lang, modules=("sale", "business_dept")):
    env["res.lang"]._activate_lang(lang)
    env["ir.module.module"]._load_module_terms(list(modules), [lang], overwrite=True)


@tagged("post_install", "-at_install")
class TestChineseApprovals(SalesRulesCase):
    """OCA's approval screens in the reviewer's language: the banner and its buttons, the
    status, the systray's Reviews naming the documents as Odoo lists them by model."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env, "zh_CN")
        (cls.gm | cls.manager).write({"lang": "zh_CN"})
        cls.company.quote_signoff_required = True
        cls.customer.name = "华东测试客户有限公司"
        cls.order = cls.make_order()

    def test_banner_and_buttons_in_chinese(self):
        self.assertEqual(self.order.signoff_state, "to_sign")
        # the web client asks in the user's language
        sale_order = self.env["sale.order"].with_user(self.gm).with_context(lang="zh_CN")
        arch = sale_order.get_view(view_type="form")["arch"]
        doc = etree.fromstring(arch)
        strings = {node.get("name"): node.get("string") for node in doc.iter("button")}
        self.assertEqual(strings["validate_tier"], po_translation("zh_CN", "Validate"))
        self.assertEqual(strings["reject_tier"], po_translation("zh_CN", "Reject"))
        self.assertEqual(
            strings["restart_validation"], po_translation("zh_CN", "Restart Validation")
        )
        banner = doc.xpath("//button[@name='validate_tier']/..")[0]
        text = "".join(banner.itertext())
        self.assertNotIn("needs to be", text)
        self.assertIn("审批", text)
        # the reviewer reads the messages and the tier due in Chinese too
        order = self.order.with_user(self.gm).with_context(lang="zh_CN")
        self.assertIn("销售订单", order.to_validate_message)
        self.assertFalse(LATIN_WORD.search(re.sub("<[^>]+>", "", order.to_validate_message)))
        review = order.review_ids[:1]
        self.assertEqual(review.display_status, po_translation("zh_CN", "Pending"))

    def test_refusal_reminder_and_comment_in_chinese(self):
        """What OCA's engine says to the department: the refusal of a confirmation still
        under review, the reminder the scheduled job posts, the comment dialog's title."""
        order = self.order.with_user(self.manager).with_context(lang="zh_CN")
        with self.assertRaises(ValidationError) as refused:
            order._tier_validation_check_state_on_write({"state": "sale"})
        self.assertIn("待审批", str(refused.exception))
        review = self.order.review_ids[:1]
        review.reviewer_ids.sudo().write({"lang": "zh_CN"})  # the scheduled job has no language
        self.assertIn("天前", review.with_context(lang="en_US")._notify_review_reminder_body())
        action = (
            self.order.with_user(self.gm)
            .with_context(lang="zh_CN")
            ._add_comment("validate", review)
        )
        self.assertEqual(action["name"], po_translation("zh_CN", "Comment"))

    def test_systray_names_the_documents_in_chinese(self):
        users = self.env["res.users"].with_user(self.gm).with_context(lang="zh_CN")
        groups = users.review_user_count()
        names = {group["model"]: group["name"] for group in groups}
        self.assertEqual(names.get("sale.order"), "销售订单")
        # a document of the addon: its kind as the addon's po names it
        insert_order = self.env["ir.model"]._get("business.insert.order")
        self.assertEqual(
            insert_order.with_context(lang="zh_CN").name,
            po_translation("zh_CN", "Insert Order"),
        )

    def test_chatter_and_activity_in_the_readers_language(self):
        """The manager (zh_CN) asks, the General Manager's activity says it in his language
        (zh_TW); the validation's note is written in the validator's."""
        load_chinese(self.env, "zh_TW", ("business_dept",))
        self.gm.lang = "zh_TW"
        order = self.make_order()
        activity = order.activity_ids.filtered(lambda a: a.user_id == self.gm)
        self.assertTrue(activity)
        prefix = po_translation("zh_TW", "Review: %(tier)s").split("%")[0]
        self.assertTrue(activity.summary.startswith(prefix), activity.summary)
        order.with_user(self.gm).with_context(lang="zh_TW").validate_tier()
        self.assertEqual(order.signoff_state, "signed")
        bodies = " ".join(str(m.body) for m in order.message_ids)
        self.assertNotIn("A review was accepted", bodies)

    def test_forged_validation_named_in_chinese(self):
        """The refusal names the kind of document in the user's language (the model's
        ``_description`` is English)."""
        with self.assertRaises(AccessError) as caught:
            self.order.with_user(self.manager).with_context(lang="zh_CN").write(
                {"validation_status": "validated"}
            )
        self.assertIn("销售订单", str(caught.exception))
        self.assertNotIn("Sales Order", str(caught.exception))


@tagged("post_install", "-at_install")
class TestChineseStatementMail(CustomerStatementCase):
    """A Chinese customer (zh_CN) receives his statement in Chinese: the mail, its subject
    and the printed statement."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env, "zh_CN", ("business_dept",))
        cls.customer.lang = "zh_CN"

    def test_statement_mailed_in_chinese(self):
        statement = self.sent_statement()
        message = statement.sent_message_id
        body = str(message.body)
        self.assertNotIn("Please find attached", body)
        self.assertNotIn("Dear", body)
        self.assertIn("对账单", body)
        self.assertNotIn("statement of account", message.subject)
        stem = statement.name.replace("/", "-")
        html = message.attachment_ids.filtered(lambda a: a.name == f"{stem}.html").raw.decode()
        self.assertIn("对账单", html)

    def test_every_template_and_report_has_chinese(self):
        """Each mail template and printed document of the addon reads in zh_CN and zh_TW."""
        load_chinese(self.env, "zh_TW", ("business_dept",))
        templates = self.env["mail.template"].browse(
            self.env["ir.model.data"]
            .search([("module", "=", "business_dept"), ("model", "=", "mail.template")])
            .mapped("res_id")
        )
        self.assertTrue(templates)
        for lang in ("zh_CN", "zh_TW"):
            for template in templates.with_context(lang=lang):
                with self.subTest(template=template.id, lang=lang):
                    self.assertFalse(
                        LATIN_WORD.search(re.sub(r"\{\{.*?\}\}", "", template.subject or ""))
                    )
                    self.assertNotIn("Please find", str(template.body_html))
        views = self.env["ir.ui.view"].search(
            [("type", "=", "qweb"), ("key", "=like", "business_dept.report_%")]
        )
        self.assertTrue(views)
        for view in views:
            english = view.arch_db
            for lang in ("zh_CN", "zh_TW"):
                with self.subTest(view=view.key, lang=lang):
                    if LATIN_WORD.search(re.sub('<[^>]*>|t-[a-z-]+="[^"]*"', "", english)):
                        self.assertNotEqual(view.with_context(lang=lang).arch_db, english)


@tagged("post_install", "-at_install")
class TestChineseCronActivities(SalesRulesCase):
    """The crons run without a language: the activities they make for a user are written in
    his."""

    def test_contract_expiry_in_the_salespersons_language(self):
        load_chinese(self.env, "zh_CN", ("business_dept",))
        self.manager.lang = "zh_CN"
        self.company.agreement_expiry_notice_days = 30
        expiry = self.company._business_local_today() + timedelta(days=5)
        order = self.make_order(contract_ref="HT-001", contract_expiry=expiry)
        self.env["business.agreement.ledger"].with_context(lang=None)._cron_order_contract_expiry()
        activity = order.activity_ids.filtered(lambda a: a.user_id == self.manager)
        self.assertTrue(activity)
        self.assertEqual(
            activity.summary,
            po_translation("zh_CN", "The contract of %(order)s expires on %(date)s: renew it")
            % {"order": order.name, "date": expiry},
        )


@tagged("post_install", "-at_install")
class TestRolesOnTheUserForm(SalesRulesCase):
    """The department's roles are chosen on the user form without the developer mode: a
    selection per chain of roles, like Odoo's Sales roles."""

    def test_roles_are_selections_outside_developer_mode(self):
        groups = self.env["res.groups"]
        by_app = {app.id: (kind, gs) for app, kind, gs, _c in groups.get_groups_by_application()}
        category = self.env.ref("business_dept.module_category_business_dept_role")
        kind, roles = by_app[category.id]
        self.assertEqual(kind, "selection")
        self.assertEqual(
            roles.mapped(lambda g: g.get_external_id()[g.id]),
            [
                "business_dept.group_business_manager",
                "business_dept.group_business_director",
                "business_dept.group_general_manager",
            ],
        )
        for xmlid in ("assistant", "finance"):
            category = self.env.ref(f"business_dept.module_category_business_dept_{xmlid}")
            self.assertEqual(by_app[category.id][0], "selection")
        arch = etree.fromstring(self.env.ref("base.user_groups_view").arch)
        for field in arch.iter("field"):
            name = field.get("name", "")
            if name.startswith("sel_groups_") and str(roles[0].id) in name.split("_"):
                hidden = [
                    a for a in field.iterancestors() if a.get("groups") == "base.group_no_one"
                ]
                self.assertFalse(hidden, "the department's roles only in developer mode")
                break
        else:
            self.fail("no selection of the department's roles on the user form")
        # chosen as on the form: the director's role gives the manager's
        user = self.env["res.users"].create(
            {"name": "新同事", "login": "t_new_colleague", name_of(roles): roles[1].id}
        )
        self.assertIn(self.env.ref("business_dept.group_business_manager"), user.groups_id)


def name_of(groups):
    return "sel_groups_" + "_".join(str(g.id) for g in groups)
