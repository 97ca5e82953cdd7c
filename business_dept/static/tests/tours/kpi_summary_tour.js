/** @odoo-module */
/**
 * 工作指标 / 月度总结报告: the Business Director opens the KPI pivot, then downloads the
 * monthly summary XLSX. The download is fetched by the tour (instead of leaving it to the
 * browser) so that its type and size can be checked.
 * Data: tests/test_tours.py (test_kpi_summary_tour).
 */
import { registry } from "@web/core/registry";
import { browser } from "@web/core/browser/browser";
import { openMenu } from "./business_dept_tour_utils";

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** Until the next download, fetch the URL the web client sends the browser to. */
function catchNextDownload() {
    const descriptor = Object.getOwnPropertyDescriptor(browser, "location");
    const location = window.location;
    const assign = async (url) => {
        Object.defineProperty(browser, "location", descriptor);
        const response = await fetch(url);
        const body = await response.arrayBuffer();
        document.body.dataset.businessDownload = `${response.headers.get("Content-Type")} ${body.byteLength}`;
    };
    Object.defineProperty(browser, "location", {
        configurable: true,
        get: () =>
            new Proxy(
                {},
                {
                    get(target, key) {
                        if (key === "assign") {
                            return assign;
                        }
                        const value = location[key];
                        return typeof value === "function" ? value.bind(location) : value;
                    },
                }
            ),
    });
}

registry.category("web_tour.tours").add("business_dept_kpi_summary", {
    steps: () => [
        ...openMenu(
            "sale.sale_menu_root",
            "business_dept.menu_business_dept_root",
            "business_dept.menu_business_kpi_report"
        ),
        {
            content: "The KPI pivot shows the manager's target",
            trigger: ".o_pivot .o_pivot_header_cell_closed:contains(Tour Manager Li)",
        },
        {
            content: "Open the monthly summary",
            trigger: '[data-menu-xmlid="business_dept.menu_business_dept_root"]',
            run: "click",
        },
        {
            content: "Monthly Summary",
            trigger: '[data-menu-xmlid="business_dept.menu_business_kpi_summary"]',
            run: "click",
        },
        {
            content: "Download the XLSX",
            trigger: ".modal button[name=action_export]",
            async run(helpers) {
                catchNextDownload();
                await helpers.click();
            },
        },
        {
            content: "The XLSX is downloaded",
            trigger: `body[data-business-download^="${XLSX_TYPE}"]`,
        },
        {
            content: "Close the dialog",
            trigger: ".modal .modal-footer button:contains(/^Cancel$/)",
            run: "click",
        },
        {
            content: "Back on the KPI pivot",
            trigger: "body:not(:has(.modal)) .o_pivot",
        },
    ],
});
