/*
 * app_strings.c - the app's own words, in Vietnamese (the default) and
 * English; the form's labels come from the form itself.
 */
#include "tui.h"

static const char *const strings[S_COUNT][2] = {
	[S_APP] = { "Điều tra trẻ em", "Child census" },
	[S_RECORDS] = { "hồ sơ", "records" },
	[S_DRAFT] = { "nháp", "draft" },
	[S_COMPLETE] = { "hoàn thành", "complete" },
	[S_VOID] = { "đã hủy", "void" },
	[S_REJECTED] = { "bị trả lại", "rejected" },
	[S_ALL] = { "tất cả", "all" },
	[S_SEARCH] = { "Tìm", "Search" },
	[S_FILTER] = { "Lọc", "Filter" },
	[S_NONE] = { "Không có hồ sơ nào", "No records" },
	[S_KEYS] = { "Phím của màn hình này", "Keys of this screen" },
	[S_ANYKEY] = { "Nhấn phím bất kỳ để đóng", "Press any key to close" },
	[S_YESNO] = { "(c/k)", "(y/n)" },
	[S_K_QUIT] = { "thoát", "quit" },
	[S_K_UP] = { "lên", "up" },
	[S_K_DOWN] = { "xuống", "down" },
	[S_K_OPEN] = { "mở hồ sơ", "open the record" },
	[S_K_NEW] = { "hồ sơ mới", "new record" },
	[S_K_VOID] = { "hủy hồ sơ", "void the record" },
	[S_K_SEARCH] = { "tìm (không phân biệt dấu)", "search (accents ignored)" },
	[S_K_FILTER] = { "lọc theo trạng thái", "filter by status" },
	[S_K_HELP] = { "các phím", "the keys" },
	[S_K_LANG] = { "tiếng Việt / English", "Vietnamese / English" },
	[S_K_INPUT] = { "kiểu gõ: Telex / VNI / tắt", "typing: Telex / VNI / off" },
	[S_K_NEXTPAGE] = { "trang sau", "next page" },
	[S_K_PREVPAGE] = { "trang trước", "previous page" },
	[S_K_BACK] = { "quay lại (đã lưu)", "back (saved)" },
	[S_K_REVIEW] = { "kiểm tra và hoàn thành", "review and finalize" },
	[S_K_CHOOSE] = { "chọn / bỏ chọn mục số N", "choose / unchoose item N" },
	[S_K_ADD] = { "thêm", "add" },
	[S_K_REMOVE] = { "xóa", "remove" },
	[S_K_FINALIZE] = { "hoàn thành hồ sơ", "finalize the record" },
	[S_K_JUMP] = { "đến câu có lỗi", "go to the question" },
	[S_K_NEXTFIELD] = { "câu sau", "next question" },
	[S_K_EDIT] = { "sửa mục", "edit the item" },
	[S_Q_VOID] = { "Hủy hồ sơ này?", "Void this record?" },
	[S_Q_REMOVE] = { "Xóa mục này?", "Remove this item?" },
	[S_VOIDED] = { "Đã hủy hồ sơ", "Record voided" },
	[S_SAVED] = { "Đã lưu", "Saved" },
	[S_FINALIZED] = { "Đã hoàn thành hồ sơ", "Record finalized" },
	[S_NOT_VALID] = { "Chưa hoàn thành được: còn lỗi", "Cannot finalize: problems remain" },
	[S_PROGRESS] = { "Đã trả lời", "Answered" },
	[S_REVIEW] = { "Kiểm tra", "Review" },
	[S_NO_ERRORS] = { "Không có lỗi. Nhấn F10 để hoàn thành.",
			  "No problems. Press F10 to finalize." },
	[S_ITEM] = { "Mục", "Item" },
	[S_NO_ITEMS] = { "Chưa có mục nào. Nhấn + để thêm.", "No items yet. Press + to add one." },
	[S_BAD_DATE] = { "Ngày không hợp lệ: gõ dd/mm/yyyy", "Not a date: type dd/mm/yyyy" },
	[S_PAGE] = { "Trang", "Page" },
	[S_HINT_HOME] = { "?:phím  n:mới  Enter:mở  /:tìm  Tab:lọc  s:đồng bộ  q:thoát",
			  "?:keys  n:new  Enter:open  /:search  Tab:filter  s:sync  q:quit" },
	[S_HINT_FORM] = { "F1:phím  ↑↓:câu  PgDn/PgUp:trang  F2:kiểu gõ  F10:kiểm tra  Esc:về",
			  "F1:keys  ↑↓:field  PgDn/PgUp:page  F2:typing  F10:review  Esc:back" },
	[S_HINT_ROSTER] = { "?:phím  +:thêm  Enter:sửa  -:xóa  PgDn/PgUp:trang  Esc:về",
			    "?:keys  +:add  Enter:edit  -:remove  PgDn/PgUp:page  Esc:back" },
	[S_HINT_REVIEW] = { "?:phím  Enter:đến câu  F10:hoàn thành  PgUp:trang  Esc:về",
			    "?:keys  Enter:go to  F10:finalize  PgUp:page  Esc:back" },
	[S_NEW_RECORD] = { "hồ sơ mới", "new record" },
	[S_TOO_SMALL] = { "Cửa sổ quá nhỏ", "Window too small" },
	[S_ERRORS] = { "lỗi", "problems" },
	[S_TYPING] = { "Gõ", "Typing" },
	[S_COL_ID] = { "Mã hồ sơ", "Record" },
	[S_COL_STATUS] = { "Trạng thái", "Status" },
	[S_COL_ITEMS] = { "Trẻ", "Kids" },
	[S_COL_TITLE] = { "Hộ", "Household" },
	[S_CONFLICT] = { "xung đột", "conflict" },
	[S_CONFLICTS] = { "Xung đột", "Conflicts" },
	[S_CONFLICT_HELP] = { "Hai máy đã sửa khác nhau các câu này: chọn một giá trị cho mỗi câu.",
			      "Two laptops changed these answers differently: pick one for each." },
	[S_OURS] = { "Máy này", "This laptop" },
	[S_THEIRS] = { "Máy khác", "Other laptop" },
	[S_FIELD] = { "Câu hỏi", "Question" },
	[S_VERSION] = { "Phiên bản biểu mẫu", "Form version" },
	[S_K_OURS] = { "giữ giá trị của máy này", "keep this laptop's value" },
	[S_K_THEIRS] = { "lấy giá trị của máy khác", "take the other laptop's value" },
	[S_K_SAVE] = { "lưu các lựa chọn", "save the picks" },
	[S_K_LEAVE] = { "về, không lưu", "back, without saving" },
	[S_HINT_CONFLICT] = { "?:phím  ↑↓:câu  ←:máy này  →:máy khác  s:lưu  Esc:về",
			      "?:keys  ↑↓:answer  ←:this laptop  →:other laptop  s:save  Esc:back" },
	[S_TO_PICK] = { "Còn câu chưa chọn", "Some answers are not picked yet" },
	[S_SETTLED] = { "Đã giải quyết xung đột, sẽ gửi ở lần đồng bộ sau",
			"Conflict settled; the next sync sends it" },
	[S_WHOLE] = { "Cả một nhóm: chỉ giữ được của máy này, rồi sửa hồ sơ",
		      "A whole group: keep this laptop's, then edit the record" },
	[S_COL_SENT] = { "Gửi huyện", "District" },
	[S_SENT] = { "đã gửi", "sent" },
	[S_UNSENT] = { "chưa gửi", "not sent" },
	[S_DISTRICT_SAYS] = { "Huyện trả lại", "Returned by the district" },
	[S_K_SYNC] = { "đồng bộ với huyện", "sync with the district" },
	[S_SYNCING] = { "Đang đồng bộ với huyện…", "Syncing with the district…" },
	[S_SYNC_COMMITTING] = { "Đang ghi", "Committing" },
	[S_SYNC_RECEIVING] = { "Đang nhận", "Receiving" },
	[S_SYNC_SENDING] = { "Đang gửi", "Sending" },
	[S_OBJECTS] = { "đối tượng", "objects" },
	[S_SYNC_NO_REMOTE] = {
		"Chưa có kho của huyện: chạy `dieutra sync --remote URL` một lần "
		"(ví dụ /media/usb/district.git)",
		"No district repository yet: run `dieutra sync --remote URL` once "
		"(e.g. /media/usb/district.git)" },
	[S_SYNC_FAILED] = { "Đồng bộ không được", "Sync failed" },
	[S_W_SENT] = { "đã gửi", "sent" },
	[S_W_NEW] = { "mới", "new" },
	[S_W_UPDATED] = { "cập nhật", "updated" },
	[S_W_RECEIVED] = { "đã nhận", "received" },
	[S_W_CONFLICT] = { "xung đột", "conflict" },
	[S_W_CONFLICTS] = { "xung đột", "conflicts" },
	[S_K_FILTER_BACK] = { "lọc: trạng thái trước", "filter: the status before" },
	[S_K_RESTORE] = { "khôi phục hồ sơ đã hủy", "restore a voided record" },
	[S_Q_RESTORE] = { "Khôi phục hồ sơ này (thành nháp)?",
			  "Restore this record (as a draft)?" },
	[S_RESTORED] = { "Đã khôi phục hồ sơ", "Record restored" },
	[S_IS_VOID] = { "Hồ sơ đã hủy: F4 để khôi phục", "Voided record: F4 restores it" },
	[S_EXPECTED] = { "Số mục cần có", "Items expected" },
	[S_ALL_ITEMS] = { "Đã đủ số mục cần có", "All the expected items are there" },
	[S_K_TICK] = { "chọn / bỏ chọn mục dưới con trỏ", "choose / unchoose the one marked" },
	[S_K_CHOICE] = { "con trỏ lựa chọn: trước / sau", "choice marker: back / on" },
};

/* Where the 2025 reform abolished the districts, the province merges the communes. */
static const char *const province_strings[S_COUNT][2] = {
	[S_COL_SENT] = { "Gửi tỉnh", "Province" },
	[S_DISTRICT_SAYS] = { "Tỉnh trả lại", "Returned by the province" },
	[S_K_SYNC] = { "đồng bộ với tỉnh", "sync with the province" },
	[S_SYNCING] = { "Đang đồng bộ với tỉnh…", "Syncing with the province…" },
	[S_SYNC_NO_REMOTE] = {
		"Chưa có kho của tỉnh: chạy `dieutra sync --remote URL` một lần "
		"(ví dụ /media/usb/province.git)",
		"No province repository yet: run `dieutra sync --remote URL` once "
		"(e.g. /media/usb/province.git)" },
};

static bool province;

void tui_str_province(bool p)
{
	province = p;
}

const char *tui_str(bool en, enum tui_str id)
{
	if (province && province_strings[id][en])
		return province_strings[id][en];
	return strings[id][en];
}
