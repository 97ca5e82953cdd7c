/** @odoo-module */
/**
 * 业务部 dashboard: a user opens the Dashboards app, picks the department's dashboard and
 * the spreadsheet loads (its data sources read without a JavaScript error; the tour fails
 * on one). Data: tests/test_dashboard.py (TestDashboardTour).
 */
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("business_dept_dashboard", {
    steps: () => [
        ...stepUtils.goToAppSteps("spreadsheet_dashboard.spreadsheet_dashboard_menu_root", "Dashboards"),
        {
            content: "The department's dashboard group",
            trigger: ".o_spreadsheet_dashboard_search_panel header:contains(业务部)",
            // the spreadsheet bundle may be built on the first visit
            timeout: 60000,
        },
        {
            content: "Open the Business Department dashboard",
            trigger: ".o_search_panel_category_value .o_dashboard_name:contains(Business Department):first",
            run: "click",
        },
        {
            content: "The spreadsheet is drawn",
            trigger: ".o_spreadsheet_dashboard_action .o_renderer .o-grid",
            timeout: 30000,
        },
        {
            content: "Its month filter has a month (by default the last one)",
            trigger: ".o_control_panel .date_filter_values select",
            run() {
                const select = document.querySelector(".o_control_panel .date_filter_values select");
                if (select.value === "empty") {
                    throw new Error("The month filter has no month");
                }
            },
        },
        {
            content: "No loading error",
            trigger: ".o_spreadsheet_dashboard_action:not(:has(.dashboard-loading-status.error))",
        },
    ],
});
