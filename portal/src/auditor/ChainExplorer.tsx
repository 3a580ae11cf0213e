/** Blocks, their transactions, one transaction, and a rule's history as field-by-field diffs. */
import { useState } from 'react';
import type { AuditorApi } from '../api/endpoints';
import type { BlockPage, BlockView, TransactionView as Transaction, WriteView } from '../api/types';
import type { Words } from '../i18n/i18n';
import { useWords } from '../i18n/use-words';
import { Table } from '../ui/Table';
import type { Column } from '../ui/Table';
import { ProblemAlert } from '../ui/ProblemAlert';
import { useAction, useLoad } from '../ui/use-async';
import { short } from './hash-text';
import { RuleHistoryLookup } from './RuleHistory';

const PAGE = 20;

const writeColumns = ({ t }: Words): readonly Column<WriteView>[] => [
  {
    header: t('chain.key'),
    cell: (w) => (
      <code className="break">
        {w.objectType ? `${w.objectType} ${(w.attributes ?? []).join(' / ')}` : w.key}
      </code>
    ),
  },
  {
    header: t('chain.value'),
    cell: (w) =>
      w.isDelete ? <em>{t('chain.deleted')}</em> : <code className="break">{w.value.slice(0, 300)}</code>,
  },
];

function blockColumns({ t }: Words, open: (n: number) => void): readonly Column<BlockView>[] {
  return [
    {
      header: t('chain.block'),
      cell: (b) => (
        <button type="button" className="link" onClick={() => open(b.number)}>
          {t('chain.blockNumber', { number: b.number })}
        </button>
      ),
    },
    { header: t('chain.transactions'), cell: (b) => b.transactionCount },
    { header: t('chain.hash'), cell: (b) => <code title={b.hash}>{short(b.hash)}</code> },
    {
      header: t('chain.previousHash'),
      cell: (b) => <code title={b.previousHash}>{short(b.previousHash)}</code>,
    },
  ];
}

function TransactionDetails({ tx }: { tx: Transaction }) {
  const words = useWords();
  const { t, format } = words;
  return (
    <div className="card">
      <h3>
        {t('chain.transaction')} <code className="break">{tx.txId}</code>
      </h3>
      <dl className="facts">
        <dt>{t('chain.block')}</dt>
        <dd>{tx.blockNumber}</dd>
        <dt>{t('chain.time')}</dt>
        <dd>{format.dateTime(tx.timestamp)}</dd>
        <dt>{t('chain.organisation')}</dt>
        <dd>{tx.creatorMspId}</dd>
        <dt>{t('chain.function')}</dt>
        <dd>
          {tx.chaincodeName ? `${tx.chaincodeName} ` : ''}
          {tx.functionName ?? tx.type}
        </dd>
        <dt>{t('chain.validation')}</dt>
        <dd>{tx.validationCode}</dd>
      </dl>
      {tx.writes.length > 0 && (
        <Table
          label={t('chain.writes')}
          caption={t('chain.writes')}
          rows={tx.writes}
          rowKey={(_, i) => String(i)}
          columns={writeColumns(words)}
        />
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
  const words = useWords();
  const { t } = words;
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
      <h1>{t('chain.title')}</h1>
      {page.data && <p className="muted">{t('chain.height', { count: page.data.height })}</p>}
      <ProblemAlert problem={page.problem ?? openBlock.problem ?? openTx.problem} />
      <Table
        label={t('chain.title')}
        rows={items}
        rowKey={(b) => String(b.number)}
        columns={blockColumns(words, (n) => void openBlock.run(n))}
      />
      <div className="actions">
        <button type="button" disabled={from === undefined} onClick={() => setFrom(undefined)}>
          {t('chain.latest')}
        </button>
        <button
          type="button"
          disabled={lowest === undefined || lowest === 0}
          onClick={() => setFrom(Math.max(0, (lowest ?? 0) - PAGE))}
        >
          {t('chain.older')}
        </button>
      </div>
      {block && (
        <div className="card">
          <h2>{t('chain.blockNumber', { number: block.number })}</h2>
          <dl className="facts">
            <dt>{t('chain.hash')}</dt>
            <dd>
              <code className="break">{block.hash}</code>
            </dd>
            <dt>{t('chain.previousHash')}</dt>
            <dd>
              <code className="break">{block.previousHash}</code>
            </dd>
            <dt>{t('chain.dataHash')}</dt>
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
