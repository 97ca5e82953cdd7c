/** @odoo-module */
/**
 * 报价需总经理确认签字, in Simplified Chinese: a General Manager whose language is zh_CN opens
 * the quotation from his Reviews inbox and signs it off; the screens read 待签字 then 已签字.
 * Data: tests/test_home_tours.py (test_quotation_signoff_zh_cn).
 */
import { registry } from "@web/core/registry";
import { openReviews, openRow } from "./business_dept_tour_utils";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("business_dept_quotation_signoff_zh_cn", {
    steps: () => [
        ...stepUtils.goToAppSteps("sale.sale_menu_root", "打开销售"),
        ...openReviews("sale.order"),
        openRow("上海测试客户有限公司"),
        {
            content: "报价待总经理签字",
            trigger: ".o_field_widget[name=signoff_state] .badge:contains(待签字)",
        },
        {
            content: "签字",
            trigger: ".o_statusbar_buttons button[name=action_signoff]",
            run: "click",
        },
        {
            content: "报价已签字",
            trigger: ".o_field_widget[name=signoff_state] .badge:contains(已签字)",
        },
    ],
});
