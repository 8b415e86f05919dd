import { Controller, Get } from '@nestjs/common';
import type { RequestAuth } from 'jwtkit/express';
import { Auth, Public, Scopes } from './jwt-auth.guard.js';

@Controller()
export class OrdersController {
  @Public()
  @Get('health')
  health(): { ok: boolean } {
    return { ok: true };
  }

  @Get('me')
  me(@Auth() auth: RequestAuth): { user: string | undefined } {
    return { user: auth.payload.sub };
  }

  @Scopes('orders:read')
  @Get('orders')
  orders(@Auth() auth: RequestAuth): { user: string | undefined; orders: unknown[] } {
    return { user: auth.payload.sub, orders: [] };
  }
}
