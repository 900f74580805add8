/**
 * A CloudFormation template as a Graphviz graph (DOT): one node per resource, one edge per reference.
 *
 * Pure: the same template and options give the same text, so a test can compare a committed diagram with
 * the one the current templates give. A reference is a `Ref`, an `Fn::GetAtt` or a `${Name}` inside an
 * `Fn::Sub` (drawn solid), or a `DependsOn` (dashed); the edge points from the resource that refers to the
 * resource it refers to. Parameters and pseudo parameters are not resources and draw nothing. Nodes are
 * grouped in one box per AWS service ("Lambda", "IAM", ...), and labelled with a readable type and name
 * ("Lambda Function: Greeter"). Noise is left out: CDK's metadata resource and custom resources with their
 * provider functions.
 */

/** The part of a synthesized template the graph reads. */
export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
}

/** One resource of a template. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: unknown;
  readonly DependsOn?: string | string[];
  readonly Metadata?: Record<string, unknown>;
}

/** How to draw a template. */
export interface GraphOptions {
  /** The graph's title, drawn above it. */
  readonly title: string;
  /** The stack's construct id: removed from the front of construct paths in labels. */
  readonly stackId?: string;
  /**
   * Construct paths (below the stack, e.g. `Service/Vpc`) whose resources are drawn as one node each,
   * labelled with what they hold: a VPC's subnets, routes and gateways are one "VPC" to a reader.
   */
  readonly collapse?: string[];
}

/** A node of the graph: a resource, or a collapsed construct standing for several. */
interface GraphNode {
  readonly id: string;
  readonly family: string;
  readonly label: string;
}

/** The display name of each AWS service namespace whose own name is not what people call it. */
const SERVICE_NAMES: Record<string, string> = {
  ApplicationAutoScaling: 'Application Auto Scaling',
  ElasticLoadBalancingV2: 'Elastic Load Balancing',
  Logs: 'CloudWatch Logs',
};

/** Whether a resource is left out of the picture as noise. */
export function isNoise(logicalId: string, resource: CfnResource): boolean {
  if (resource.Type === 'AWS::CDK::Metadata') return true;
  if (resource.Type.startsWith('Custom::') || resource.Type === 'AWS::CloudFormation::CustomResource') return true;
  const path = constructPath(logicalId, resource);
  // Custom-resource providers: CDK's singleton functions and the Provider framework's.
  return /(^|\/)(Custom::|AWS679f53fac002430cb0da5b7982bd2287|LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a)|CustomResourceProvider/.test(
    path,
  );
}

/** The resource's construct path (`aws:cdk:path`), or its logical id without CDK's hash suffix. */
export function constructPath(logicalId: string, resource: CfnResource): string {
  const path = resource.Metadata?.['aws:cdk:path'];
  if (typeof path === 'string') return path.replace(/(\/(Resource|Default))+$/, '');
  return logicalId.replace(/[0-9A-F]{8}$/, '');
}

/** A type's own words: "LogGroup" as "Log Group", "VPCGatewayAttachment" as "VPC Gateway Attachment". */
export function typeWords(type: string): string {
  const kind = type.split('::')[2] ?? type;
  return kind.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2');
}

/** "AWS::Lambda::Function" as "Lambda Function"; "AWS::Logs::LogGroup" as "Log Group". */
export function readableType(type: string): string {
  const service = type.split('::')[1] ?? '';
  const words = typeWords(type);
  if (service === 'Logs' || service === 'ApplicationAutoScaling') return words;
  if (service === 'ElasticLoadBalancingV2') return `ELB ${words}`;
  return `${service} ${words}`.trim();
}

/** The box a resource type is drawn in: its AWS service. */
export function family(type: string): string {
  const service = type.split('::')[1] ?? type;
  return SERVICE_NAMES[service] ?? service;
}

/** The logical ids `value` refers to (Ref, Fn::GetAtt, Fn::Sub's `${Name}` and `${Name.Attribute}`). */
export function referencesIn(value: unknown): string[] {
  const found: string[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (v === null || typeof v !== 'object') return;
    for (const [key, inner] of Object.entries(v)) {
      if (key === 'Ref' && typeof inner === 'string') found.push(inner);
      else if (key === 'Fn::GetAtt') found.push(Array.isArray(inner) ? String(inner[0]) : String(inner).split('.')[0]);
      else if (key === 'Fn::Sub') found.push(...subReferences(Array.isArray(inner) ? inner[0] : inner));
      if (key !== 'Ref') visit(inner);
    }
  };
  visit(value);
  return found;
}

/** The names a `Fn::Sub` string interpolates (`${!Literal}` is an escape, not a reference). */
function subReferences(text: unknown): string[] {
  if (typeof text !== 'string') return [];
  return [...text.matchAll(/\$\{([^!}][^}]*)\}/g)].map((m) => m[1].split('.')[0]);
}

/** The DOT text of `template`'s resources and the references between them. */
export function templateToDot(template: CfnTemplate, options: GraphOptions): string {
  const resources = Object.entries(template.Resources ?? {}).filter(([id, r]) => !isNoise(id, r));
  const nodeOf = nodeMapping(resources, options);
  const edges = new Map<string, 'ref' | 'dependsOn'>();
  for (const [id, resource] of resources) {
    const from = nodeOf.get(id)!;
    const add = (target: string, kind: 'ref' | 'dependsOn'): void => {
      const to = nodeOf.get(target);
      if (!to || to.id === from.id) return;
      const key = `${from.id} -> ${to.id}`;
      if (edges.get(key) !== 'ref') edges.set(key, kind);
    };
    referencesIn(resource.Properties).forEach((target) => add(target, 'ref'));
    [resource.DependsOn ?? []].flat().forEach((target) => add(target, 'dependsOn'));
  }
  return renderDot(options.title, [...new Set(nodeOf.values())], edges);
}

/** Each resource's node: its own, or the collapsed construct's that holds it. */
function nodeMapping(resources: Array<[string, CfnResource]>, options: GraphOptions): Map<string, GraphNode> {
  const stack = options.stackId ? `${options.stackId}/` : undefined;
  const groups = new Map<string, Array<{ id: string; path: string; type: string }>>();
  const nodes = new Map<string, GraphNode>();
  for (const [id, resource] of resources) {
    const full = constructPath(id, resource);
    const path = stack && full.startsWith(stack) ? full.slice(stack.length) : full;
    const group = (options.collapse ?? []).find((prefix) => path === prefix || path.startsWith(`${prefix}/`));
    if (group) groups.set(group, [...(groups.get(group) ?? []), { id, path, type: resource.Type }]);
    else nodes.set(id, { id, family: family(resource.Type), label: `${readableType(resource.Type)}: ${path}` });
  }
  for (const [group, members] of groups) {
    const main = members.find((m) => m.path === group) ?? members[0];
    const rest = summary(members.filter((m) => m !== main).map((m) => m.type));
    const node = { id: group, family: family(main.type), label: `${readableType(main.type)}: ${group}${rest ? `\n${rest}` : ''}` };
    members.forEach((m) => nodes.set(m.id, node));
  }
  return nodes;
}

/** "with 4 Subnets, 4 Route Tables, ..." for the resources a collapsed node holds besides its main one, 3 a line. */
function summary(types: string[]): string {
  const counts = new Map<string, number>();
  for (const type of types) counts.set(typeWords(type), (counts.get(typeWords(type)) ?? 0) + 1);
  const parts = [...counts].map(([words, n]) => (n === 1 ? words : `${n} ${words}s`));
  const lines: string[] = [];
  for (let i = 0; i < parts.length; i += 3) lines.push(parts.slice(i, i + 3).join(', '));
  return parts.length === 0 ? '' : `with ${lines.join(',\n')}`;
}

/** DOT text: one cluster per family (sorted), nodes and edges in a stable order. */
function renderDot(title: string, nodes: GraphNode[], edges: Map<string, 'ref' | 'dependsOn'>): string {
  const lines = [
    'digraph {',
    `  label=${quote(title)}; labelloc=t; fontname="Helvetica"; fontsize=16;`,
    '  rankdir=LR; nodesep=0.25; ranksep=0.6;',
    '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=11];',
    '  edge [color="#555555", arrowsize=0.7];',
  ];
  const families = [...new Set(nodes.map((n) => n.family))].sort();
  families.forEach((name, index) => {
    lines.push(`  subgraph cluster_${index} {`, `    label=${quote(name)}; style="rounded,filled"; fillcolor="#f3f4f7"; color="#c5c9d3";`);
    for (const node of nodes.filter((n) => n.family === name).sort((a, b) => byText(a.label, b.label))) {
      lines.push(`    ${quote(node.id)} [label=${quote(node.label)}];`);
    }
    lines.push('  }');
  });
  for (const [key, kind] of [...edges].sort(([a], [b]) => byText(a, b))) {
    const [from, to] = key.split(' -> ');
    lines.push(`  ${quote(from)} -> ${quote(to)}${kind === 'dependsOn' ? ' [style=dashed, color="#aaaaaa"]' : ''};`);
  }
  lines.push('}', '');
  return lines.join('\n');
}

/** Code-point order: the same on every machine, whatever its locale. */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A DOT string literal. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
