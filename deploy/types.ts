// The contracts that hold the live half together: what a broker does, what an order and a fill
// are, what a decision carries, and what a guard sees. The runner (runner.ts), the brokers
// (brokers/), the order manager (orders/), the guards (guards/), the journal (journal/) and the
// market feeds (market/) meet only through these types, so paper and live, replay and websocket,
// are interchangeable behind them.
import type { Books, Candles } from '../data/types.js';

export type Mode = 'paper' | 'live';
export type Side = 'buy' | 'sell';
export type OrderType = 'market' | 'limit';
/** GTC rests; IOC fills what it can now and cancels the rest; PO (post-only) is refused if it would take. */
export type TimeInForce = 'GTC' | 'IOC' | 'PO';
export type OrderStatus = 'pending' | 'open' | 'closed' | 'canceled' | 'rejected' | 'expired';

/** What the runner asks for. `clientOrderId` is derived from (deployment, decision sequence, leg): a retry never makes a second order. */
export interface OrderRequest {
  clientOrderId: string;
  symbol: string;
  side: Side;
  type: OrderType;
  /** Base units, already rounded to the market's lot size. */
  amount: number;
  /** Limit price (limit orders), rounded to the market's tick. */
  price?: number;
  timeInForce?: TimeInForce;
  reduceOnly?: boolean;
  /** Exchange-side protective order, where supported: stop-loss / take-profit trigger price. */
  stopPrice?: number;
  /** Why: the decision sequence that made it (journal key). */
  decisionSeq: number;
}

/** An order as the broker knows it now. */
export interface OrderState {
  clientOrderId: string;
  /** The exchange's id (paper: the paper broker's). */
  orderId?: string;
  symbol: string;
  side: Side;
  type: OrderType;
  amount: number;
  price?: number;
  status: OrderStatus;
  /** Base units filled so far, and their average price. */
  filled: number;
  average?: number;
  /** Fees paid so far, in `feeCurrency`. */
  fee: number;
  feeCurrency?: string;
  /** ms UTC of the last change. */
  ts: number;
  /** A rejection's reason, as the exchange said it. */
  reason?: string;
}

/** One execution (trade) of an order. */
export interface Fill {
  /** The exchange's trade id (unique per symbol). */
  tradeId: string;
  clientOrderId: string;
  orderId?: string;
  symbol: string;
  side: Side;
  price: number;
  amount: number;
  fee: number;
  feeCurrency: string;
  /** Maker or taker, as the exchange reports it. */
  maker: boolean;
  ts: number;
}

export type Balances = Record<string, { free: number; used: number; total: number }>;

/** What a broker reports as it happens (the user-data stream, or the paper broker's matching). */
export type BrokerEvent =
  | { type: 'order'; order: OrderState }
  | { type: 'fill'; fill: Fill }
  | { type: 'balances'; balances: Balances }
  | { type: 'disconnect'; error: string }
  | { type: 'reconnect' };

/**
 * Paper and live brokers are separate classes behind this interface (NautilusTrader's rule: paper
 * is its own venue, never a flag on the live one). A paper broker holds no keys and calls no
 * private endpoint.
 */
export interface Broker {
  readonly mode: Mode;
  /** Places an order; on a timeout the caller looks it up by clientOrderId before anything else. */
  submit(order: OrderRequest): Promise<OrderState>;
  cancel(clientOrderId: string, symbol: string): Promise<OrderState>;
  /** The order with this clientOrderId, or undefined when the exchange never saw it. */
  fetchOrder(clientOrderId: string, symbol: string): Promise<OrderState | undefined>;
  openOrders(symbol?: string): Promise<OrderState[]>;
  /** Fills since `sinceTs` (inclusive), oldest first: what happened while the runner was down. */
  fillsSince(symbol: string, sinceTs: number): Promise<Fill[]>;
  balances(): Promise<Balances>;
  /** Subscribes to order, fill and balance events; returns an unsubscribe function. */
  onEvent(listener: (e: BrokerEvent) => void): () => void;
  close(): Promise<void>;
}

/** A market's trading rules, from ccxt's `markets[symbol]` (precision, limits) and its fees. */
export interface MarketRules {
  symbol: string;
  base: string;
  quote: string;
  /** Smallest price step and amount step (absolute, not digits). */
  tickSize: number;
  lotSize: number;
  minAmount: number;
  minNotional: number;
  takerFee: number;
  makerFee: number;
}

/** The market data a decision is made from, as the feeds deliver it. */
export type MarketEvent =
  /** A closed bar (never a forming one): candle policies decide on it. */
  | { type: 'bar'; symbol: string; timeframe: string; ts: number; open: number; high: number; low: number; close: number; volume: number }
  /** The open of the next bar as soon as it is known: paper fills of market orders happen here. */
  | { type: 'open'; symbol: string; timeframe: string; ts: number; open: number }
  /** A top-N book snapshot (level 0 best). */
  | { type: 'book'; symbol: string; ts: number; bidPx: Float64Array; bidSz: Float64Array; askPx: Float64Array; askSz: Float64Array }
  | { type: 'trade'; symbol: string; ts: number; id: string; price: number; amount: number; side: 1 | -1 };

/** A source of market events: ccxt.pro websockets, a Redis stream, or a store range replayed. */
export interface MarketFeed {
  /** Yields events in exchange time order until `signal` aborts or (replay) the data ends. */
  events(signal: AbortSignal): AsyncIterable<MarketEvent>;
  close(): Promise<void>;
}

/** One member's opinion and the ensemble's decision, journaled together. */
export interface MemberSignal {
  member: string;
  /** Target exposure in [-1, 1] (discrete actions are mapped: short -1, flat 0, long 1). */
  target: number;
}

export interface Decision {
  /** Monotone per deployment; part of every clientOrderId it causes. */
  seq: number;
  symbol: string;
  /** The bar (or book event) time the decision was made on. */
  ts: number;
  members: MemberSignal[];
  /** The ensemble's target exposure before the guards. */
  target: number;
  /** After the guards (equal to `target` when none intervened). */
  finalTarget: number;
  /** Guards that changed or blocked it, by name. */
  blockedBy: string[];
  /** Market event to decision, in microseconds (the latency benchmark reads it). */
  latencyUs: number;
}

/** What a guard may look at: the deployment's state at decision time. */
export interface GuardContext {
  now: number;
  symbol: string;
  rules: MarketRules;
  /** Last price (close or mid) and the time of the last market event. */
  price: number;
  lastMarketTs: number;
  /** Current position in base units (signed), equity and its running peak, in quote currency. */
  position: number;
  equity: number;
  peakEquity: number;
  /** Equity at the start of the current UTC day. */
  dayStartEquity: number;
  openOrders: number;
  /** Orders sent in the last 60 s. */
  recentOrders: number;
  /** The checkpoint's age and the time of its last evaluation (ms UTC). */
  modelTrainedAt: number;
  modelEvaluatedAt?: number;
  /** The average entry price of the open position (NaN when flat). */
  entryPrice: number;
}

/** A guard's verdict on a target: allow it, change it (e.g. cap it), block it, or halt everything. */
export type GuardVerdict =
  | { action: 'allow' }
  | { action: 'adjust'; target: number; reason: string }
  | { action: 'block'; reason: string }
  /** Kill switch: flatten, cancel all, halt the deployment. */
  | { action: 'halt'; reason: string };

export interface RiskGuard {
  readonly name: string;
  check(target: number, ctx: GuardContext): GuardVerdict;
}

/** Candles or books a replay feeds through the deploy loop. */
export type ReplayData = { kind: 'candles'; candles: Candles } | { kind: 'books'; books: Books };
