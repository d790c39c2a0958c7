import { ParleyError, roleSchema } from '@parley/protocol';
import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';

const VISITOR_TOKEN_TTL_SECONDS = 60 * 60 * 24 * 180;
const AGENT_TOKEN_TTL_SECONDS = 60 * 60 * 12;

const visitorClaimsSchema = z.object({
  typ: z.literal('visitor'),
  sub: z.uuid(),
  wid: z.uuid(),
});

const agentClaimsSchema = z.object({
  typ: z.literal('agent'),
  sub: z.uuid(),
  org: z.uuid(),
  role: roleSchema,
  exp: z.number(),
});

/** Who a visitor token speaks for. */
export interface VisitorIdentity {
  contactId: string;
  widgetId: string;
}

/** Who an agent token speaks for. */
export interface AgentIdentity {
  userId: string;
  organizationId: string;
  role: z.infer<typeof roleSchema>;
}

/** A verified agent token: who it speaks for, and until when. */
export interface VerifiedAgent extends AgentIdentity {
  expiresAt: Date;
}

/** Signs and verifies the two kinds of bearer tokens Parley issues (HS256 JWTs). */
export interface TokenService {
  signVisitor(identity: VisitorIdentity): Promise<string>;
  verifyVisitor(token: string): Promise<VisitorIdentity>;
  signAgent(identity: AgentIdentity): Promise<{ token: string; expiresAt: Date }>;
  verifyAgent(token: string): Promise<VerifiedAgent>;
}

/** Creates the token service for `secret` (at least 32 characters). */
export function createTokenService(secret: string): TokenService {
  const key = new TextEncoder().encode(secret);

  async function verify<T extends z.ZodType>(token: string, schema: T): Promise<z.output<T>> {
    try {
      const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], issuer: 'parley' });
      return schema.parse(payload);
    } catch (cause) {
      throw new ParleyError('unauthorized', 'The session is invalid or has expired.', { cause });
    }
  }

  return {
    signVisitor: ({ contactId, widgetId }) =>
      new SignJWT({ typ: 'visitor', wid: widgetId })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(contactId)
        .setIssuer('parley')
        .setIssuedAt()
        .setExpirationTime(`${VISITOR_TOKEN_TTL_SECONDS}s`)
        .sign(key),
    verifyVisitor: async (token) => {
      const claims = await verify(token, visitorClaimsSchema);
      return { contactId: claims.sub, widgetId: claims.wid };
    },
    signAgent: async ({ userId, organizationId, role }) => {
      const expiresAt = new Date(Date.now() + AGENT_TOKEN_TTL_SECONDS * 1000);
      const token = await new SignJWT({ typ: 'agent', org: organizationId, role })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(userId)
        .setIssuer('parley')
        .setIssuedAt()
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(key);
      return { token, expiresAt };
    },
    verifyAgent: async (token) => {
      const claims = await verify(token, agentClaimsSchema);
      return { userId: claims.sub, organizationId: claims.org, role: claims.role, expiresAt: new Date(claims.exp * 1000) };
    },
  };
}
