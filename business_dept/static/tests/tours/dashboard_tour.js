/** @odoo-module */
/**
 * 业务部 dashboard: a user opens the Dashboards app, picks the department's dashboard and
 * the spreadsheet loads (its data sources read without a JavaScript error; the tour fails
 * on one). Data: tests/test_dashboard.py (TestDashboardTour).
 */
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("business_dept_dashboard", {
    steps: () => [
        {
            content: "The department's dashboard group",
            trigger: ".o_spreadsheet_dashboard_search_panel header:contains(业务部)",
        },
        {
            content: "Open the Business Department dashboard",
            trigger: ".o_search_panel_category_value .o_dashboard_name:contains(Business Department):first",
            run: "click",
        },
        {
            content: "The spreadsheet is drawn",
            trigger: ".o_spreadsheet_dashboard_action .o_renderer .o-grid",
        },
        {
            content: "Its month filter has a month (by default the last one)",
            trigger: ".o_control_panel .date_filter_values select option[selected]:not([value=empty])",
        },
        {
            content: "No loading error",
            trigger: ".o_spreadsheet_dashboard_action:not(:has(.dashboard-loading-status.error))",
        },
    ],
});
