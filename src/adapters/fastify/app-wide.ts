import type { FastifyPluginCallback } from 'fastify';

/**
 * Marks a plugin so that Fastify runs it in the scope that registers it instead of a new
 * encapsulated one (what the `fastify-plugin` package does, without depending on it): its request
 * decorator and hooks then apply to that scope and the scopes below it. Only the plugin that
 * decorates `request.auth` and adds the authentication hook is marked; the auth endpoints stay
 * encapsulated.
 *
 * @internal
 */
export function appWide<Options extends object>(plugin: FastifyPluginCallback<Options>, name: string): FastifyPluginCallback<Options> {
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: name });
}
