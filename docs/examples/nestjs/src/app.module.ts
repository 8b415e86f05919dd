import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { createRemoteJWKS } from 'jwtkit';
import type { AuthenticateOptions } from 'jwtkit/express';
import { JWT_AUTH_OPTIONS, JwtAuthGuard } from './jwt-auth.guard.js';
import { OrdersController } from './orders.controller.js';

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`set ${name}`);
  return value;
}

const authOptions: AuthenticateOptions = {
  key: createRemoteJWKS(required('JWKS_URL')),
  verify: { algorithms: ['ES256'], issuer: required('ISSUER'), audience: required('AUDIENCE') },
};

@Module({
  controllers: [OrdersController],
  providers: [
    { provide: JWT_AUTH_OPTIONS, useValue: authOptions },
    // Every route of the app is guarded; @Public() opts one out.
    { provide: APP_GUARD, useClass: JwtAuthGuard },
  ],
})
export class AppModule {}
