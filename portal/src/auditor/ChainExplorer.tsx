/** Blocks, their transactions, one transaction, and a rule's history as field-by-field diffs. */
import { useState } from 'react';
import type { AuditorApi } from '../api/endpoints';
import type { BlockPage, BlockView, TransactionView as Transaction, WriteView } from '../api/types';
import { formatWhen } from '../ui/format';
import { Table } from '../ui/Table';
import type { Column } from '../ui/Table';
import { ProblemAlert } from '../ui/ProblemAlert';
import { useAction, useLoad } from '../ui/use-async';
import { short } from './hash-text';
import { RuleHistoryLookup } from './RuleHistory';

const PAGE = 20;

const WRITE_COLUMNS: readonly Column<WriteView>[] = [
  {
    header: 'Key',
    cell: (w) => (
      <code className="break">
        {w.objectType ? `${w.objectType} ${(w.attributes ?? []).join(' / ')}` : w.key}
      </code>
    ),
  },
  {
    header: 'Value',
    cell: (w) => (w.isDelete ? <em>deleted</em> : <code className="break">{w.value.slice(0, 300)}</code>),
  },
];

function blockColumns(open: (n: number) => void): readonly Column<BlockView>[] {
  return [
    {
      header: 'Block',
      cell: (b) => (
        <button type="button" className="link" onClick={() => open(b.number)}>
          Block {b.number}
        </button>
      ),
    },
    { header: 'Transactions', cell: (b) => b.transactionCount },
    { header: 'Hash', cell: (b) => <code title={b.hash}>{short(b.hash)}</code> },
    { header: 'Previous hash', cell: (b) => <code title={b.previousHash}>{short(b.previousHash)}</code> },
  ];
}

function TransactionDetails({ tx }: { tx: Transaction }) {
  return (
    <div className="card">
      <h3>
        Transaction <code className="break">{tx.txId}</code>
      </h3>
      <dl className="facts">
        <dt>Block</dt>
        <dd>{tx.blockNumber}</dd>
        <dt>Time</dt>
        <dd>{formatWhen(tx.timestamp)}</dd>
        <dt>Organisation</dt>
        <dd>{tx.creatorMspId}</dd>
        <dt>Function</dt>
        <dd>
          {tx.chaincodeName ? `${tx.chaincodeName} ` : ''}
          {tx.functionName ?? tx.type}
        </dd>
        <dt>Validation</dt>
        <dd>{tx.validationCode}</dd>
      </dl>
      {tx.writes.length > 0 && (
        <Table caption="Writes" rows={tx.writes} rowKey={(_, i) => String(i)} columns={WRITE_COLUMNS} />
      )}
    </div>
  );
}

/** The page of blocks to show: the latest ones when `from` is not given. */
async function loadBlocks(api: AuditorApi, from: number | undefined): Promise<BlockPage> {
  if (from !== undefined) return api.blocks(from, PAGE);
  const { height } = await api.blocks(0, 1);
  return api.blocks(Math.max(0, height - PAGE), PAGE);
}

export function ChainExplorer({ api }: { api: AuditorApi }) {
  const [from, setFrom] = useState<number | undefined>();
  const page = useLoad(() => loadBlocks(api, from), [from]);
  const [block, setBlock] = useState<BlockView | undefined>();
  const [tx, setTx] = useState<Transaction | undefined>();
  const openBlock = useAction(async (n: number) => {
    setTx(undefined);
    setBlock(await api.block(n));
  });
  const openTx = useAction(async (txId: string) => setTx(await api.transaction(txId)));
  const items = [...(page.data?.blocks ?? [])].sort((a, b) => b.number - a.number);
  const lowest = items.length > 0 ? Math.min(...items.map((b) => b.number)) : undefined;
  return (
    <div>
      <h1>Chain explorer</h1>
      {page.data && <p className="muted">{page.data.height} blocks in the chain.</p>}
      <ProblemAlert problem={page.problem ?? openBlock.problem ?? openTx.problem} />
      <Table
        rows={items}
        rowKey={(b) => String(b.number)}
        columns={blockColumns((n) => void openBlock.run(n))}
      />
      <div className="actions">
        <button type="button" disabled={from === undefined} onClick={() => setFrom(undefined)}>
          Latest blocks
        </button>
        <button
          type="button"
          disabled={lowest === undefined || lowest === 0}
          onClick={() => setFrom(Math.max(0, (lowest ?? 0) - PAGE))}
        >
          Older blocks
        </button>
      </div>
      {block && (
        <div className="card">
          <h2>Block {block.number}</h2>
          <dl className="facts">
            <dt>Hash</dt>
            <dd>
              <code className="break">{block.hash}</code>
            </dd>
            <dt>Previous hash</dt>
            <dd>
              <code className="break">{block.previousHash}</code>
            </dd>
            <dt>Data hash</dt>
            <dd>
              <code className="break">{block.dataHash}</code>
            </dd>
          </dl>
          <ul>
            {block.transactions.map((t) => (
              <li key={t.txId}>
                <button type="button" className="link" onClick={() => void openTx.run(t.txId)}>
                  {t.functionName ?? t.type} <code>{short(t.txId)}</code>
                </button>{' '}
                <span className="muted">{t.validationCode}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {tx && <TransactionDetails tx={tx} />}
      <RuleHistoryLookup api={api} />
    </div>
  );
}
