package readonly

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
)

// ErrInvalidQuery is wrapped by every query parsing error; the master
// answers 400 Bad Request with the error's text.
var ErrInvalidQuery = errors.New("invalid query parameter")

// QueryError is a bad query parameter: it names the parameter and the
// value.
type QueryError struct {
	Param  string // the query parameter, "limit"
	Value  string // its value as given
	Reason string // what is wrong, "must be a non-negative integer"
}

// Error returns "readonly: parse query: invalid query parameter
// \"limit\"=\"abc\": must be a non-negative integer".
func (e *QueryError) Error() string {
	return fmt.Sprintf("readonly: parse query: %v %q=%q: %s", ErrInvalidQuery, e.Param, e.Value, e.Reason)
}

// Unwrap returns ErrInvalidQuery.
func (e *QueryError) Unwrap() error { return ErrInvalidQuery }

// IDFilter selects objects by id as Mesos's IDAcceptor does: the zero
// value accepts every id; a set filter accepts only ID (so an explicit
// empty "?framework_id=" matches nothing, as in Mesos).
type IDFilter struct {
	ID  string
	Set bool
}

// MatchID returns the filter accepting only id.
func MatchID(id string) IDFilter { return IDFilter{ID: id, Set: true} }

// Accept reports whether the filter accepts id.
func (f IDFilter) Accept(id string) bool { return !f.Set || f.ID == id }

// ParseIDFilter reads the id filter named key ("framework_id",
// "slave_id", "task_id") from a query: unset when absent.
func ParseIDFilter(q url.Values, key string) IDFilter {
	if vs, ok := q[key]; ok && len(vs) > 0 {
		return MatchID(vs[0])
	}
	return IDFilter{}
}

// DefaultTaskLimit is TASK_LIMIT (src/master/constants.hpp): how many
// tasks /master/tasks returns by default.
const DefaultTaskLimit = 100

// Task orders of /master/tasks.
const (
	OrderAscending  = "asc"
	OrderDescending = "des"
)

// TasksQuery is the query of /master/tasks (Master::ReadOnlyHandler::
// tasks): at most Limit tasks from Offset, ordered by the timestamp of
// their first status (Order "asc" or "des"), of the frameworks FrameworkID
// accepts and with the ids TaskID accepts. The zero value is not the
// default: use ParseTasksQuery or DefaultTasksQuery.
type TasksQuery struct {
	Limit       int
	Offset      int
	Order       string
	FrameworkID IDFilter
	TaskID      IDFilter
}

// DefaultTasksQuery returns limit=100, offset=0, order=des, no filters.
func DefaultTasksQuery() TasksQuery {
	return TasksQuery{Limit: DefaultTaskLimit, Order: OrderDescending}
}

// ParseTasksQuery parses the query of /master/tasks: limit (default 100)
// and offset (default 0) must be non-negative integers that fit an int32
// (Mesos's numify<int>), order must be "asc" or "des" (default "des"),
// framework_id and task_id filter. Mesos silently falls back to the
// default on a malformed limit or offset and treats any order but "asc"
// as "des"; we reject them with a *QueryError naming the parameter.
func ParseTasksQuery(q url.Values) (TasksQuery, error) {
	tq := DefaultTasksQuery()
	var err error
	if tq.Limit, err = parseCount(q, "limit", DefaultTaskLimit); err != nil {
		return TasksQuery{}, err
	}
	if tq.Offset, err = parseCount(q, "offset", 0); err != nil {
		return TasksQuery{}, err
	}
	if vs, ok := q["order"]; ok && len(vs) > 0 {
		switch vs[0] {
		case OrderAscending, OrderDescending:
			tq.Order = vs[0]
		default:
			return TasksQuery{}, &QueryError{Param: "order", Value: vs[0], Reason: `must be "asc" or "des"`}
		}
	}
	tq.FrameworkID = ParseIDFilter(q, "framework_id")
	tq.TaskID = ParseIDFilter(q, "task_id")
	return tq, nil
}

// parseCount parses a non-negative int32 parameter.
func parseCount(q url.Values, key string, def int) (int, error) {
	vs, ok := q[key]
	if !ok || len(vs) == 0 {
		return def, nil
	}
	n, err := strconv.ParseInt(vs[0], 10, 32)
	if err != nil || n < 0 {
		return 0, &QueryError{Param: key, Value: vs[0], Reason: "must be a non-negative integer"}
	}
	return int(n), nil
}
