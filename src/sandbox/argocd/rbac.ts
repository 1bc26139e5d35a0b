/**
 * Argo CD RBAC, minimal: the `policy.csv` of `argocd-rbac-cm` (`p, <subject>, <resource>,
 * <action>, <project>/<object>, allow|deny` and `g, <user>, <role>`), with upstream's effect
 * (allowed when some rule allows and none denies; `util/rbac/rbac.go`'s model) and glob matching
 * of resource, action and object. The sandbox's one account is `admin`, in `role:admin`, which
 * may do everything (upstream's builtin-policy.csv, collapsed to one rule); a test or an operator
 * adds deny rules through `PUT /api/sandbox/v1/rbac`, as one would edit the ConfigMap.
 *
 * ### Examples
 * `p, admin, applications, action/argoproj.io/Rollout/abort, bookstore/*, deny` keeps admin from
 * aborting Rollouts of the `bookstore` project's apps through Argo CD.
 */
import { GrpcCode, GrpcError } from './grpc-error.ts';
import type { Route } from './http.ts';

const BUILTIN = 'p, role:admin, *, *, */*, allow\ng, admin, role:admin';

interface Rule {
  readonly subject: string;
  readonly resource: string;
  readonly action: string;
  readonly object: string;
  readonly effect: 'allow' | 'deny';
}

function glob(pattern: string, text: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(text);
}

export class Rbac {
  #rules: Rule[] = [];
  #groups = new Map<string, Set<string>>();
  #policy = '';

  constructor(policy = '') {
    this.setPolicy(policy);
  }

  get policy(): string {
    return this.#policy;
  }

  /** Replaces the custom policy (the builtin admin role stays, as upstream's builtin policy does). */
  setPolicy(csv: string): void {
    const rules: Rule[] = [];
    const groups = new Map<string, Set<string>>();
    for (const raw of `${BUILTIN}\n${csv}`.split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      const cells = line.split(',').map((c) => c.trim());
      if (cells[0] === 'g' && cells.length === 3) {
        const set = groups.get(cells[1]!) ?? new Set<string>();
        set.add(cells[2]!);
        groups.set(cells[1]!, set);
      } else if (cells[0] === 'p' && cells.length >= 5) {
        const effect = (cells[5] ?? 'allow') === 'deny' ? 'deny' : 'allow';
        rules.push({ subject: cells[1]!, resource: cells[2]!, action: cells[3]!, object: cells[4]!, effect });
      } else throw new GrpcError(GrpcCode.InvalidArgument, `policy.csv: cannot parse "${line}"`);
    }
    this.#rules = rules;
    this.#groups = groups;
    this.#policy = csv;
  }

  #subjects(user: string): Set<string> {
    const out = new Set([user]);
    for (let changed = true; changed; ) {
      changed = false;
      for (const s of [...out]) {
        for (const g of this.#groups.get(s) ?? []) {
          if (out.has(g)) continue;
          out.add(g);
          changed = true;
        }
      }
    }
    return out;
  }

  allowed(user: string, resource: string, action: string, object: string): boolean {
    const subjects = this.#subjects(user);
    const matching = this.#rules.filter((r) => subjects.has(r.subject) && glob(r.resource, resource) && glob(r.action, action) && glob(r.object, object));
    return matching.some((r) => r.effect === 'allow') && !matching.some((r) => r.effect === 'deny');
  }

  /** `EnforceErr`: PermissionDenied naming what was asked. */
  enforce(user: string, resource: string, action: string, object: string): void {
    if (!this.allowed(user, resource, action, object)) {
      throw new GrpcError(GrpcCode.PermissionDenied, `permission denied: ${resource}, ${action}, ${object}, sub: ${user}`);
    }
  }
}

/** `GET|PUT /api/sandbox/v1/rbac`: the custom policy.csv, as `argocd-rbac-cm` holds it. */
export function rbacRoutes(rbac: Rbac): Route[] {
  return [
    { method: 'GET', path: '/api/sandbox/v1/rbac', handle: () => Promise.resolve({ policy: rbac.policy }) },
    {
      method: 'PUT',
      path: '/api/sandbox/v1/rbac',
      async handle(req) {
        const body = (await req.body()) as { policy?: unknown };
        if (typeof body.policy !== 'string') throw new GrpcError(GrpcCode.InvalidArgument, 'body must be {"policy": "<policy.csv>"}');
        rbac.setPolicy(body.policy);
        return { policy: rbac.policy };
      },
    },
  ];
}
