/** @odoo-module */
/**
 * 工作指标 / 月度总结报告: the Business Director opens the KPI report (its graph, then
 * the pivot), then downloads the
 * monthly summary XLSX. The download is fetched by the tour (instead of leaving it to the
 * browser) so that its type and size can be checked.
 * Data: tests/test_tours.py (test_kpi_summary_tour).
 */
import { registry } from "@web/core/registry";
import { download } from "@web/core/network/download";
import { openMenu } from "./business_dept_tour_utils";

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** Until the next download, fetch the file the web client asks for (OCA report_xlsx
 * posts to /report/download). */
function catchNextDownload() {
    const original = download._download;
    download._download = async (options) => {
        download._download = original;
        const body = new FormData();
        for (const [key, value] of Object.entries(options.data)) {
            body.append(key, value);
        }
        body.append("csrf_token", odoo.csrf_token);
        const response = await fetch(options.url, { method: "POST", body });
        const content = await response.arrayBuffer();
        document.body.dataset.businessDownload = `${response.headers.get("Content-Type")} ${content.byteLength}`;
    };
}

registry.category("web_tour.tours").add("business_dept_kpi_summary", {
    steps: () => [
        ...openMenu(
            "sale.sale_menu_root",
            "business_dept.menu_business_dept_root",
            "business_dept.menu_business_kpi_report"
        ),
        {
            content: "The KPI report opens on the graph of the last closed month",
            trigger: ".o_graph_renderer canvas",
        },
        {
            content: "Switch to the pivot",
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
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
