/// The desk's style sheet and script, served by the binary itself (/assets/…): the pages load
/// nothing from anywhere else, and the Content-Security-Policy forbids it.
enum Assets {
    static let css = """
    *{box-sizing:border-box}
    body{margin:0;font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;font-size:16px;line-height:1.6;color:#1f2933;background:#f4f5f7}
    header{background:#9b1c1c;color:#fff;padding:12px 28px;display:flex;align-items:baseline;gap:18px}
    header a{color:#fff;text-decoration:none}
    header .title{font-size:20px;font-weight:bold}
    header .sub{opacity:.85;font-size:14px}
    header form{margin-left:auto}
    main{max-width:1180px;margin:0 auto;padding:20px 28px 60px}
    h1{font-size:24px;margin:8px 0 4px}
    h2{font-size:19px;margin:28px 0 10px;border-left:4px solid #9b1c1c;padding-left:10px}
    .lead{color:#52606d;margin:0 0 16px}
    .panel{background:#fff;border:1px solid #d9dde3;border-radius:6px;padding:16px 20px;margin:14px 0}
    .steps{margin:0;padding-left:22px}
    .drop{display:block;border:3px dashed #9aa5b1;border-radius:10px;background:#fff;padding:44px 20px;text-align:center;cursor:pointer;font-size:19px;color:#3e4c59}
    .drop.over{border-color:#9b1c1c;background:#fff5f5}
    .drop strong{color:#9b1c1c}
    .drop{position:relative}
    .drop strong,.drop .or,.drop .button,.drop .note{display:block;margin:6px auto}
    .drop .button{width:max-content}
    .drop input[type=file]{position:absolute;width:1px;height:1px;opacity:0;overflow:hidden}
    .drop:focus-within{outline:3px solid #f0b429}
    .row{display:flex;gap:14px;align-items:center;flex-wrap:wrap;margin:12px 0}
    label.field{display:flex;flex-direction:column;font-size:14px;color:#52606d;gap:4px}
    input[type=text],input[type=date],input[type=number],input[type=password],select{font-size:16px;padding:6px 8px;border:1px solid #9aa5b1;border-radius:4px}
    button,.button{font-size:16px;padding:8px 18px;border-radius:4px;border:1px solid #9b1c1c;background:#9b1c1c;color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
    button.plain,.button.plain{background:#fff;color:#9b1c1c}
    .progress{height:14px;background:#e4e7eb;border-radius:7px;overflow:hidden;margin-top:12px}
    .progress div{height:100%;width:0;background:#9b1c1c;transition:width .2s}
    .hidden{display:none}
    .error{background:#fff5f5;border:1px solid #e12d39;border-radius:6px;padding:12px 16px;color:#8a1c1c}
    .ok{background:#f0fff4;border:1px solid #3f9142;border-radius:6px;padding:12px 16px}
    .note{font-size:14px;color:#52606d}
    table{border-collapse:collapse;width:100%;background:#fff;font-size:15px}
    th,td{border:1px solid #d9dde3;padding:6px 10px;text-align:left;vertical-align:top}
    th{background:#eef0f3;font-weight:600;white-space:nowrap}
    td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
    td.nowrap{white-space:nowrap}
    tr.overdue td{background:#fde8e8}
    tr.soon td{background:#fff7e0}
    tr[data-href]{cursor:pointer}
    tr[data-href]:hover td{background:#e8f0fe}
    .badge{display:inline-block;padding:0 8px;border-radius:10px;font-size:14px;white-space:nowrap}
    .badge.overdue{background:#e12d39;color:#fff}
    .badge.soon{background:#f0b429;color:#1f2933}
    .badge.paused{background:#cbd2d9}
    .badge.pending{background:#d9eafd}
    .badge.undetermined{background:#e3d8f5}
    .filters{display:flex;gap:8px;flex-wrap:wrap;margin:8px 0 12px}
    .filters a{padding:3px 12px;border:1px solid #9aa5b1;border-radius:16px;text-decoration:none;color:#1f2933;background:#fff}
    .filters a.on{background:#1f2933;color:#fff;border-color:#1f2933}
    .cols{display:grid;grid-template-columns:1fr 1fr;gap:18px}
    .downloads a{display:inline-block;margin:4px 12px 4px 0}
    pre.explain{white-space:pre-wrap;font-family:"Noto Sans Mono CJK SC","Noto Sans CJK SC",monospace;font-size:15px;background:#fff;border:1px solid #d9dde3;border-radius:6px;padding:16px 20px;line-height:1.7}
    pre.explain .hit{background:#fff3bf;font-weight:bold}
    pre.explain .head{color:#9b1c1c;font-weight:bold}
    .cli{font-family:monospace;font-size:13px;color:#52606d;word-break:break-all}
    footer{color:#7b8794;font-size:13px;text-align:center;padding:20px}
    """

    /// Drop or choose a file, upload with progress, rows that open their explanation.
    static let js = """
    (function () {
      'use strict';
      function $(s, r) { return (r || document).querySelector(s); }
      function mb(n) { return (n / 1048576).toFixed(1) + ' MB'; }

      var form = $('#upload-form');
      if (form) {
        var drop = $('#drop'), input = $('#ledger'), bar = $('#progress'), fill = $('#progress div');
        var status = $('#upload-status'), error = $('#upload-error');
        var max = parseInt(form.getAttribute('data-max'), 10);
        function fail(text) {
          error.textContent = text; error.classList.remove('hidden');
          status.textContent = ''; bar.classList.add('hidden');
        }
        function send(file) {
          error.classList.add('hidden');
          if (!/\\.(csv|xlsx)$/i.test(file.name)) {
            fail('“' + file.name + '”不是 CSV 或 Excel 工作簿（.xlsx）文件。请上传台账本身：Excel/WPS 的 .xlsx 工作簿，或另存为的 CSV。');
            return;
          }
          if (file.size > max) {
            fail('文件“' + file.name + '”有 ' + mb(file.size) + '，超过上传上限 ' + mb(max) + '。请把台账按年度拆分后分别上传，或请管理员调高上限（govrules serve --max-upload）。');
            return;
          }
          var data = new FormData(form);
          data.set('ledger', file, file.name);
          var xhr = new XMLHttpRequest();
          xhr.open('POST', form.getAttribute('action'));
          xhr.setRequestHeader('X-CSRF-Token', form.elements.csrf.value);
          xhr.setRequestHeader('X-Desk-XHR', '1');
          bar.classList.remove('hidden');
          fill.style.width = '0';
          status.textContent = '正在上传“' + file.name + '”……';
          xhr.upload.onprogress = function (e) {
            if (!e.lengthComputable) return;
            var p = Math.round(100 * e.loaded / e.total);
            fill.style.width = p + '%';
            status.textContent = '正在上传“' + file.name + '”：' + p + '%（' + mb(e.loaded) + ' / ' + mb(e.total) + '）';
          };
          xhr.upload.onload = function () {
            fill.style.width = '100%';
            status.textContent = '上传完成，正在逐件分类并计算期限，请稍候……';
          };
          xhr.onload = function () {
            if (xhr.status === 200 && xhr.getResponseHeader('X-Desk-Location')) {
              window.location.href = xhr.getResponseHeader('X-Desk-Location');
            } else {
              fail(xhr.responseText || ('上传失败（HTTP ' + xhr.status + '）'));
            }
          };
          xhr.onerror = function () { fail('连接中断，上传没有完成。请确认办理台仍在运行后重试。'); };
          xhr.send(data);
        }
        input.addEventListener('change', function () { if (input.files.length) send(input.files[0]); });
        ['dragenter', 'dragover'].forEach(function (t) {
          drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.add('over'); });
        });
        ['dragleave', 'drop'].forEach(function (t) {
          drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.remove('over'); });
        });
        drop.addEventListener('drop', function (e) {
          if (e.dataTransfer && e.dataTransfer.files.length) send(e.dataTransfer.files[0]);
        });
        form.addEventListener('submit', function (e) {
          e.preventDefault();
          if (input.files.length) send(input.files[0]); else fail('请先选择台账文件。');
        });
      }

      Array.prototype.forEach.call(document.querySelectorAll('tr[data-href]'), function (tr) {
        tr.addEventListener('click', function (e) {
          if (e.target.tagName !== 'A') window.location.href = tr.getAttribute('data-href');
        });
      });
    })();
    """
}
