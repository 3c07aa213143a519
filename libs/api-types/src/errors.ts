/** One field at fault in a request. */
export interface FieldError {
  field: string;
  message: string;
}

/** The single error shape every endpoint answers with. */
export interface ApiErrorBody {
  statusCode: number;
  error: string;
  message: string;
  /** Machine-readable code of the domain error, when there is one. */
  code?: string;
  details?: FieldError[];
}
