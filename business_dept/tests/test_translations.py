import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationModuleReader


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    """Every translatable string of the addon, as Odoo exports it, is in zh_CN.po and
    zh_TW.po."""

    def _missing(self, lang):
        """Source strings of the addon without a translation in i18n/<lang>.po."""
        translated = {
            entry.msgid
            for entry in polib.pofile(file_path(f"business_dept/i18n/{lang}.po"))
            if entry.msgstr and not entry.obsolete
        }
        sources = {
            row[4]
            for row in TranslationModuleReader(self.env.cr, modules=["business_dept"])
            # demo records (ids ending in _demo) are not part of the template
            if row[0] == "business_dept" and row[4] and "_demo" not in str(row[3])
        }
        self.assertTrue(sources, "no translatable string found")
        return sorted(sources - translated)

    def test_every_string_has_a_zh_cn_translation(self):
        missing = self._missing("zh_CN")
        self.assertFalse(
            missing,
            f"{len(missing)} strings without zh_CN (run scripts/update_translations): "
            f"{missing[:15]}",
        )

    def test_every_string_has_a_zh_tw_translation(self):
        """Traditional Chinese (繁體中文) is as complete as zh_CN."""
        missing = self._missing("zh_TW")
        self.assertFalse(missing, f"{len(missing)} strings without zh_TW: {missing[:15]}")

    def _assert_loaded(self, lang, director, review_days):
        """The language's terms load: a group name and a field label are translated."""
        self.env["res.lang"]._activate_lang(lang)
        self.env["ir.module.module"]._load_module_terms(["business_dept"], [lang], overwrite=True)
        group = self.env.ref("business_dept.group_business_director").with_context(lang=lang)
        self.assertEqual(group.name, director)
        field = self.env["res.company"]._fields["review_working_days"]
        self.assertEqual(field._description_string(self.env(context={"lang": lang})), review_days)

    def test_zh_cn_is_loaded(self):
        self._assert_loaded("zh_CN", "业务总监", "订单评审工作日数")

    def test_zh_tw_is_loaded(self):
        self._assert_loaded("zh_TW", "業務總監", "訂單評審工作日數")
