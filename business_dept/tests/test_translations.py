import polib

from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationModuleReader
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    """Every translatable string of the addon, as Odoo exports it, is in zh_CN.po."""

    def test_every_string_has_a_zh_cn_translation(self):
        translated = {
            entry.msgid
            for entry in polib.pofile(file_path("business_dept/i18n/zh_CN.po"))
            if entry.msgstr and not entry.obsolete
        }
        sources = {
            row[4]
            for row in TranslationModuleReader(self.env.cr, modules=["business_dept"])
            # demo records (ids ending in _demo) are not part of the template
            if row[0] == "business_dept" and row[4] and "_demo" not in str(row[3])
        }
        self.assertTrue(sources, "no translatable string found")
        missing = sorted(sources - translated)
        self.assertFalse(
            missing,
            f"{len(missing)} strings without zh_CN (run scripts/update_translations): "
            f"{missing[:15]}",
        )

    def test_zh_cn_is_loaded(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["business_dept"], ["zh_CN"], overwrite=True)
        group = self.env.ref("business_dept.group_business_director").with_context(lang="zh_CN")
        self.assertEqual(group.name, "业务总监")
        field = self.env["res.company"]._fields["review_working_days"]
        self.assertEqual(
            field._description_string(self.env(context={"lang": "zh_CN"})), "订单评审工作日数"
        )
