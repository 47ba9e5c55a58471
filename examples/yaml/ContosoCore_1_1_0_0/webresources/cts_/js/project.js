// Shows the budget section only to project managers.
function onLoad(executionContext) {
  const form = executionContext.getFormContext();
  form.ui.tabs.get("general").sections.get("budget").setVisible(true);
}
