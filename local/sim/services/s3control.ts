import type {
  DeletePublicAccessBlockCommandInput,
  DeletePublicAccessBlockCommandOutput,
  GetPublicAccessBlockCommandInput,
  GetPublicAccessBlockCommandOutput,
  PutPublicAccessBlockCommandInput,
  PutPublicAccessBlockCommandOutput,
} from '@aws-sdk/client-s3-control';
import type { SimAccount } from '../model';
import { type HandlerTable, type OpContext, op } from './common';

/** S3 Control: the account-level Block Public Access (the account is the request's AccountId). */
function account(ctx: OpContext, accountId: string | undefined): SimAccount {
  if (!accountId || !/^\d{12}$/.test(accountId))
    throw ctx.error('InvalidRequest', 'AccountId must be a 12-digit account id');
  return ctx.model.account(accountId);
}

export const s3controlHandlers: HandlerTable = {
  GetPublicAccessBlock: op<GetPublicAccessBlockCommandInput, GetPublicAccessBlockCommandOutput>(
    (ctx, input) => {
      const a = account(ctx, input.AccountId);
      if (!a.publicAccessBlock) {
        throw ctx.error(
          'NoSuchPublicAccessBlockConfiguration',
          'The public access block configuration was not found',
          {
            status: 404,
          },
        );
      }
      return { PublicAccessBlockConfiguration: { ...a.publicAccessBlock } };
    },
  ),

  PutPublicAccessBlock: op<PutPublicAccessBlockCommandInput, PutPublicAccessBlockCommandOutput>(
    (ctx, input) => {
      const a = account(ctx, input.AccountId);
      const c = input.PublicAccessBlockConfiguration;
      a.publicAccessBlock = {
        BlockPublicAcls: c?.BlockPublicAcls ?? false,
        IgnorePublicAcls: c?.IgnorePublicAcls ?? false,
        BlockPublicPolicy: c?.BlockPublicPolicy ?? false,
        RestrictPublicBuckets: c?.RestrictPublicBuckets ?? false,
      };
      return {};
    },
  ),

  DeletePublicAccessBlock: op<DeletePublicAccessBlockCommandInput, DeletePublicAccessBlockCommandOutput>(
    (ctx, input) => {
      delete account(ctx, input.AccountId).publicAccessBlock;
      return {};
    },
  ),
};
