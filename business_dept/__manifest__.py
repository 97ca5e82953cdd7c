# Copyright 2026 business_dept contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Business Department Rules",
    "summary": "业务部管理制度: quotation sign-off, framework agreements, order-review "
    "timing, insert orders, backlog, logistics reconciliation, targets and KPIs",
    "version": "18.0.1.1.0",
    "category": "Sales/Sales",
    "website": "https://github.com/business-dept/business_dept",
    "author": "business_dept contributors",
    "license": "LGPL-3",
    "application": False,
    "installable": True,
    "depends": [
        "sale_management",
        "sale_stock",
        "stock_delivery",
        "account",
    ],
    "external_dependencies": {
        "python": ["xlsxwriter", "openupgradelib", "openpyxl", "chinese-calendar"],
    },
    "data": [
        "security/res_groups.xml",
        "security/ir.model.access.csv",
        "security/ir_rules.xml",
        "views/res_config_settings_views.xml",
        "data/business_kpi_data.xml",
        "views/business_sales_target_views.xml",
        "views/business_satisfaction_survey_views.xml",
        "views/business_stock_backlog_views.xml",
        "views/business_kpi_report_views.xml",
        "wizard/business_kpi_summary_views.xml",
        "data/business_logistics_data.xml",
        "views/business_logistics_agreement_views.xml",
        "views/business_logistics_statement_views.xml",
        "wizard/business_logistics_statement_import_views.xml",
        "data/business_sales_rules_data.xml",
        "views/sale_order_views.xml",
        "views/res_partner_views.xml",
        "views/resource_calendar_views.xml",
        "wizard/business_insert_order_reject_views.xml",
        "views/business_insert_order_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/res_users_demo.xml",
        "demo/res_partner_demo.xml",
        "demo/sale_order_demo.xml",
        "demo/business_kpi_demo.xml",
        "demo/business_logistics_demo.xml",
        "demo/business_dept_demo_company.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "business_dept/static/tests/tours/*.js",
        ],
    },
}
