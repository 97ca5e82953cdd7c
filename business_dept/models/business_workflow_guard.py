from odoo import api, models
from odoo.exceptions import AccessError, UserError

from .tier_review import in_tier_engine, tier_engine


def computed_fields(model):
    """The read-only computed fields (related ones included) of the addon on ``model``: all
    of them on the addon's own models, the addon's own on a standard model."""
    own_model = model._original_module == "business_dept"
    return {
        name
        for name, field in model._fields.items()
        if field.compute
        and field.readonly
        and not field.automatic
        and (own_model or field._modules == ("business_dept",))
    }


def refuse_computed(model, vals):
    """A plain write of a field the workflow computes is refused (not in sudo)."""
    if model.env.su:
        return
    refused = computed_fields(model) & set(vals)
    if refused:
        raise AccessError(
            model.env._(
                "%(fields)s of %(model)s are computed, never typed.",
                fields=", ".join(
                    sorted(model._fields[f]._description_string(model.env) for f in refused)
                ),
                model=model.env["ir.model"]._get(model._name).name,
            )
        )


class BusinessWorkflowGuard(models.AbstractModel):
    """Approval and state fields (审批、签字、状态) are set by the workflow buttons only, and
    what the workflow computes is never typed.

    A button checks the role and the state, then writes these fields in sudo; a plain
    ``create``/``write`` (a form, an import, an RPC call) may not set them. On create, the
    field's default value (or an empty one) is accepted, as the web client sends it.
    The same holds for every read-only computed field the addon defines on the model
    (``_business_computed_fields``): Odoo writes them when asked, the view only hides them.
    """

    _name = "business.workflow.guard"
    _description = "Business Workflow Fields Guard"
    _business_workflow_fields = ()

    @api.model_create_multi
    def create(self, vals_list):
        self._business_check_workflow_fields(vals_list, creating=True)
        return super().create(vals_list)

    def write(self, vals):
        self._business_check_workflow_fields([vals])
        return super().write(vals)

    def _business_default(self, fname):
        default = self._fields[fname].default
        value = default(self) if default else False
        return value.id if isinstance(value, models.BaseModel) else value

    @api.model
    def _business_computed_fields(self):
        return computed_fields(self)

    def _business_check_workflow_fields(self, vals_list, creating=False):
        if in_tier_engine(self.env):  # the superuser, or a workflow step run by its button
            return
        guarded = set(self._business_workflow_fields) | self._business_computed_fields()
        for vals in vals_list:
            refused = []
            for fname in guarded.intersection(vals):
                if creating and vals[fname] in (False, None, self._business_default(fname)):
                    continue
                refused.append(self._fields[fname]._description_string(self.env))
            if refused:
                raise AccessError(
                    self.env._(
                        "%(fields)s of %(model)s are set by the workflow buttons only.",
                        fields=", ".join(sorted(refused)),
                        model=self.env["ir.model"]._get(self._name).name,
                    )
                )

    def _business_workflow_write(self, vals):
        """A workflow step writes its fields as the user (his access rights and record
        rules apply), once its button checked the role and the state."""
        with tier_engine():
            return self.with_context(skip_validation_check=True).write(vals)

    def _check_state(self, *states):
        """Refuse, naming the record and its state, unless every record is in ``states``."""
        labels = dict(self._fields["state"]._description_selection(self.env))
        for record in self:
            if record.state not in states:
                raise UserError(
                    self.env._(
                        "%(record)s is %(state)s: this needs it to be %(expected)s.",
                        record=record.display_name,
                        state=labels[record.state],
                        expected=" / ".join(labels[s] for s in states),
                    )
                )
