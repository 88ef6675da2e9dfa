// cytoscape-fcose ships no types: it is a Cytoscape.js extension (cytoscape.use).
declare module "cytoscape-fcose" {
  const ext: cytoscape.Ext;
  export default ext;
}
