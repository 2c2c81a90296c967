import {
	Category,
	CategoryInput,
	CategoryList,
	CategoryPatch,
	Facet,
	ImageInput,
	ImageRef,
	ImageSource,
	Problem,
	Product,
	ProductInput,
	ProductList,
	ProductPatch,
	ProductSummary,
	Variant,
	VariantInput,
	VariantPatch,
} from "@bazaar/contracts";
import { DeadLetterList, DeadLetterReplayed } from "@bazaar/contracts/bus";
import { AddLineRequest, Cart, SetQuantityRequest } from "@bazaar/contracts/cart";
import {
	CheckoutConfirmed,
	CheckoutResponse,
	Quote,
	QuoteRequest,
	StorefrontCheckoutRequest,
} from "@bazaar/contracts/checkout";
import { CancelShipmentInput, ShipInput, ShipmentDetail, ShipmentList } from "@bazaar/contracts/fulfillment";
import {
	ApiSession,
	ApiSessionInfo,
	LoginInput,
	SetRolesInput,
	UserList,
	UserPublic,
} from "@bazaar/contracts/identity";
import {
	AdjustStockRequest,
	DefineSkuRequest,
	LedgerPage,
	ReceiveStockRequest,
	Reconciliation,
	SkuStock,
} from "@bazaar/contracts/inventory";
import {
	AdminRefundAnswer,
	AdminRefundInput,
	CancelInput,
	DeliverInput,
	FulfilInput,
	Order,
	OrderDetail,
	OrderList,
	PaymentConflictList,
	RefundRequestList,
} from "@bazaar/contracts/order";
import { Payment, PaymentList, ReconciliationRun, ReconciliationRunList } from "@bazaar/contracts/payment";
import {
	ApproveInput,
	EditReviewInput,
	HideInput,
	RejectInput,
	ReplyInput,
	ReportInput,
	Review,
	ReviewableList,
	ReviewDetail,
	ReviewPage,
	StaffReviewPage,
	VoteResult,
	WriteReviewInput,
} from "@bazaar/contracts/review";
import { Money } from "@bazaar/money";
import { Me } from "../routes/api-me";
import { type Json, schemasOf } from "./parts";

// The document's named schemas: answers as the server writes them ("output"), bodies as a
// client may send them ("input": defaults are optional, transforms not applied).

/** Answers by schema id: the tests check live answers against these. */
export const OUTPUT_SCHEMAS = {
	Money,
	ImageSource,
	ImageRef,
	Category,
	CategoryList,
	Variant,
	ProductSummary,
	Product,
	Facet,
	ProductList,
	Problem,
	ApiSession,
	ApiSessionInfo,
	Me,
	UserPublic,
	UserList,
	SkuStock,
	LedgerPage,
	Reconciliation,
	Cart,
	Order,
	OrderDetail,
	OrderList,
	CheckoutResponse,
	CheckoutConfirmed,
	Quote,
	Payment,
	PaymentList,
	AdminRefundAnswer,
	RefundRequestList,
	PaymentConflictList,
	ReconciliationRun,
	ReconciliationRunList,
	ShipmentDetail,
	ShipmentList,
	DeadLetterList,
	DeadLetterReplayed,
	Review,
	ReviewPage,
	ReviewDetail,
	StaffReviewPage,
	ReviewableList,
	VoteResult,
};

/** Request bodies by schema id. */
export const INPUT_SCHEMAS = {
	ProductInput,
	ProductPatch,
	VariantInput,
	VariantPatch,
	CategoryInput,
	CategoryPatch,
	ImageInput,
	LoginInput,
	SetRolesInput,
	DefineSkuRequest,
	ReceiveStockRequest,
	AdjustStockRequest,
	AddLineRequest,
	SetQuantityRequest,
	StorefrontCheckoutRequest,
	QuoteRequest,
	CancelInput,
	FulfilInput,
	DeliverInput,
	ShipInput,
	CancelShipmentInput,
	AdminRefundInput,
	WriteReviewInput,
	EditReviewInput,
	ReportInput,
	ApproveInput,
	RejectInput,
	HideInput,
	ReplyInput,
};

export function componentSchemas(): Record<string, Json> {
	return { ...schemasOf(OUTPUT_SCHEMAS, "output"), ...schemasOf(INPUT_SCHEMAS, "input") };
}
