// @ts-check
/**
 * A Stryker ignorer (stryker.config.mjs, `ignorers: ['detail']`): mutants inside a refusal's `detail` — the
 * developer-facing words beside an error code (src/core/errors.ts `CoreError.detail`, "never shown as the
 * message; the code is translated instead") — are ignored, with this reason in the report. Changing those
 * words changes no decision, code or field a phone, a guard or an operator's tooling acts on; the tests pin
 * the code beside them. Only a string or template literal written in a detail's place counts:
 * - the value of an object property named `detail`;
 * - an argument passed where the called function's parameter is named `detail`: `err(code, detail)` from
 *   errors.ts, and any function, method or class constructor declared in the same file;
 * - the message of valibot's `v.check(requirement, message)`, which becomes the detail of the refusal.
 * A detail that carries data (a rule's id, a list of codes read back by held-dcc.ts) is an expression, not a
 * literal, and its mutants stay.
 */
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

const REASON = "A refusal's developer-facing detail text: no decision or code depends on it (scripts/stryker).";

/** @param {any} param a Babel function parameter node */
function nameOfParam(param) {
  const p = param?.type === 'TSParameterProperty' ? param.parameter : param;
  const q = p?.type === 'AssignmentPattern' ? p.left : p;
  return q?.type === 'Identifier' ? q.name : undefined;
}

/**
 * The function a declarator holds. Stryker instruments the file as it walks it, so a function declared above
 * has already become `stryMutAct(id) ? () => undefined : (stryCov(id), <the function>)` by the time a call
 * below it is seen — the original is the last of the alternate —, and module-level code is further wrapped in
 * an arrow called at once (Stryker's static-mutant coverage), `(() => { const f = <the function>; return f; })()`,
 * which keeps the function's name.
 */
function functionOf(/** @type {any} */ node) {
  let n = node;
  while (n && !/Function/.test(n.type)) {
    if (n.type === 'ConditionalExpression') n = n.alternate;
    else if (n.type === 'SequenceExpression') n = n.expressions.at(-1);
    else if (n.type === 'ParenthesizedExpression') n = n.expression;
    else if (n.type === 'CallExpression' && n.arguments.length === 0 && /Function/.test(n.callee.type)) {
      const body = n.callee.body;
      if (body.type !== 'BlockStatement') n = body;
      else {
        const value = body.body.findLast((/** @type {any} */ st) => st.type === 'ReturnStatement')?.argument;
        const named = (/** @type {any} */ d) => d.id.type === 'Identifier' && d.id.name === value?.name;
        n =
          value?.type === 'Identifier'
            ? body.body
                .flatMap((/** @type {any} */ st) => (st.type === 'VariableDeclaration' ? st.declarations : []))
                .find(named)?.init
            : value;
      }
    } else return undefined;
  }
  return n;
}

/** The parameters of what a call or `new` calls, when declared in this file (or `err` of errors.ts). */
function paramsOfCallee(/** @type {any} */ callee) {
  if (callee.isMemberExpression() && callee.get('object').isIdentifier() && callee.node.property.name === 'check') {
    const binding = callee.scope.getBinding(callee.node.object.name);
    const fromValibot = binding?.kind === 'module' && binding.path.parentPath?.node.source?.value === 'valibot';
    return fromValibot ? [{}, { type: 'Identifier', name: 'detail' }] : undefined;
  }
  if (callee.isMemberExpression() && callee.get('object').isThisExpression()) {
    const name = callee.node.property.name;
    const cls = callee.findParent((/** @type {any} */ p) => p.isClassBody());
    const method = cls?.node.body.find((/** @type {any} */ m) => m.type === 'ClassMethod' && m.key.name === name);
    return method?.params;
  }
  if (!callee.isIdentifier()) return undefined;
  const binding = callee.scope.getBinding(callee.node.name);
  if (!binding) return undefined;
  const decl = binding.path.node;
  if (binding.kind === 'module') {
    const source = binding.path.parentPath?.node.source?.value ?? '';
    return callee.node.name === 'err' && /(^|\/)errors$/.test(source)
      ? [{}, { type: 'Identifier', name: 'detail' }]
      : undefined;
  }
  if (decl.type === 'FunctionDeclaration') return decl.params;
  if (decl.type === 'VariableDeclarator') return functionOf(decl.init)?.params;
  if (decl.type === 'ClassDeclaration') {
    return decl.body.body.find((/** @type {any} */ m) => m.type === 'ClassMethod' && m.kind === 'constructor')?.params;
  }
  return undefined;
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'detail', {
    /** @param {any} path */
    shouldIgnore(path) {
      const parent = path.parentPath;
      if (!parent || !(path.isStringLiteral() || path.isTemplateLiteral())) return undefined;
      if (parent.isObjectProperty() && path.key === 'value') {
        const key = parent.node.key;
        return (key.type === 'Identifier' ? key.name : key.value) === 'detail' ? REASON : undefined;
      }
      if ((parent.isCallExpression() || parent.isNewExpression()) && path.listKey === 'arguments') {
        const params = paramsOfCallee(parent.get('callee'));
        return params && nameOfParam(params[path.key]) === 'detail' ? REASON : undefined;
      }
      return undefined;
    },
  }),
];
