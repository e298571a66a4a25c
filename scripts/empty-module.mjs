// Stands in for react-devtools-core, which the bundle does not ship. Ink imports it when DEV=true (a variable many
// environments set for their own ends) and calls these two; here they do nothing, so that the TUI still starts.
export default { initialize() {}, connectToDevTools() {} };
