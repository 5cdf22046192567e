import type { Lexicon } from './types';

/**
 * Portuguese (Brazilian and European spellings, written without diacritics since matching
 * drops them). Brazil's common lures: bank "security module/token" updates, loyalty points
 * about to expire, "Correios" customs fees, court summons and CPF/CNH irregularities, PIX.
 */
export const PORTUGUESE: Lexicon = {
  credential: {
    strong: [
      'sua conta ~ [foi|sera|esta|pode ser] ~ bloqueada|suspensa|desativada|encerrada|cancelada|restrita|limitada',
      'acesso ~ bloqueado|suspenso|restrito',
      'detectamos ~ [novo acesso|acesso|atividade|tentativa]',
      '[houve um acesso|novo acesso|acesso detectado|acesso realizado] ~ [sua conta|novo dispositivo|dispositivo]',
      '[nao fui eu|nao reconheco|nao foi voce]',
      'acesso|atividade|login ~ [nao autorizado|suspeito|suspeita|incomum|nao reconhecido]',
      '[atualize|atualizar|confirme|confirmar|valide|validar|regularize|regularizar|sincronize|sincronizar|habilite|reative] ~ seus|sua|seu|o|a ~ [dados|cadastro|conta|informacoes|acesso|dispositivo|token|modulo|chave]',
      '[evite|evitar|para evitar] ~ o|a ~ bloqueio|cancelamento|suspensao|encerramento|desativacao',
      'sua senha ~ [expira|ira expirar|vai expirar|expirou|expirada]',
      'caixa de ~ entrada|correio|email ~ cheia|lotada',
      '[token|chave de seguranca|modulo de seguranca|dispositivo de seguranca] ~ [expira|expirou|vencido|vencida|desatualizado|desatualizada|atualizacao]',
      'recadastramento|recadastrar',
      // Someone else was given access to the account: the reader hurries to "remove" them.
      '[possui acesso|tem acesso|tera acesso] ~ a ~ saques|transferencias|pagamentos|emprestimos',
      '[novo colaborador|novo administrador|novo usuario] ~ [associado|adicionado]',
      'clique ~ [aqui|no botao|no link|abaixo] ~ para ~ [atualizar|confirmar|validar|desbloquear|regularizar|reativar|liberar|sincronizar]',
    ],
    medium: [
      'verifique|confirme ~ sua ~ conta|identidade',
      'novo dispositivo',
      'acesso a sua conta',
      '[dados cadastrais|atualizacao cadastral]',
      'seguranca da sua conta',
      'redefinir ~ sua ~ senha',
      '[atualizacao obrigatoria|atualize o aplicativo|atualize seu aplicativo]',
    ],
    weak: ['senha', 'acesse sua conta'],
  },
  payment: {
    strong: ['[novos dados bancarios|nova conta bancaria|alteracao de dados bancarios|mudanca de conta]'],
    medium: [
      'boleto|fatura|debito ~ [em aberto|vencido|vencida|pendente|pendentes|em atraso]',
      '[pendencia financeira|pagamento pendente|pagamento urgente]',
      'comprovante de ~ pagamento|transferencia|deposito',
    ],
    weak: ['pix', 'boleto', 'segunda via', 'transferencia bancaria'],
  },
  delivery: {
    strong: [
      '[sua encomenda|seu pedido|seu objeto|sua entrega|seu pacote] ~ [esta|foi|encontra se] ~ [retida|retido|bloqueada|bloqueado|taxada|taxado|aguardando|pendente|parada|parado]',
      'taxa|taxas ~ [de importacao|alfandegaria|alfandegarias|dos correios|de entrega|de envio|de desembaraco]',
      '[pagamento da taxa|pagamento das taxas|pagar a taxa|efetuar o pagamento]',
      'fiscalizacao ~ aduaneira|alfandegaria',
      'tentativa de entrega',
      '[evite|evitar] ~ a ~ devolucao',
      'aguardando ~ pagamento ~ alfandega',
    ],
    medium: ['alfandega|alfandegaria'],
    weak: ['encomenda', 'entrega', 'codigo de rastreio|rastreamento', 'sua encomenda'],
  },
  prize: {
    strong: [
      'voce ~ [foi selecionado|foi selecionada|foi sorteado|foi sorteada|foi contemplado|foi contemplada|ganhou]',
      'seus pontos ~ [expiram|vao expirar|irao expirar|expirando|estao expirando|vencem]',
      'pontos ~ [expiram|expirando|a expirar|vencem|vencendo] ~ hoje|em breve|amanha',
      '[resgate|resgatar|troque|trocar] ~ seus|seu|os ~ pontos|premio|beneficio|bonus|valores|saldo',
      'valores|credito|beneficio|saldo ~ [disponivel|disponiveis|liberado|liberados|a receber|para resgate]',
      'parabens ~ voce',
      'responda ~ [a pesquisa|ao questionario|nossa pesquisa]',
    ],
    medium: ['premio|premiado|premiada', 'brinde|brindes', 'parabeniza|parabenizamos', '[cartao black|beneficios exclusivos]', 'pontos acumulados', 'liberacao pendente', 'credito em conta', 'sorteio', 'resgate'],
    weak: ['parabens', 'gratis', 'gratuito', 'promocao', 'pontos', 'beneficio|beneficios'],
  },
  authority: {
    strong: [
      '[notificacao extrajudicial|intimacao eletronica|intimacao judicial|mandado de|citacao judicial|processo judicial|procedimentos judiciais]',
      'tribunal ~ [regional|de justica|do trabalho|federal]',
      '[numero do processo|visualizar processo|seu processo|consultar processo|acao trabalhista]',
      '[intimacao de testemunha|conduzido coercitivamente|deixe de comparecer|audiencia por videoconferencia]',
      'cnh ~ suspensa|bloqueada|cassada|pontos|infracao',
      '[infracao pendente|multa pendente|multa de transito|debito de multa|debitos pendentes]',
      'cpf ~ [irregular|bloqueado|suspenso|cancelado|pendente|pendencia|regularizar]',
      '[receita federal|malha fina|imposto de renda] ~ [pendencia|pendente|irregular|restituicao|regularize|regularizar|bloqueio|notificacao]',
    ],
    medium: ['intimacao', 'audiencia', 'receita federal', 'restituicao', 'detran'],
  },
  urgency: {
    strong: [
      '[em ate|nas proximas|dentro de] ~ 24|48|72 ~ horas',
      '[ultimo aviso|ultima notificacao|ultima chance]',
      '[acao urgente|acao necessaria|acao imediata]',
      '[sera|serao] ~ cancelad*|bloquead*|suspens*|encerrad*|devolvid*',
    ],
    medium: ['por tempo limitado', '[so hoje|somente hoje|apenas hoje]', 'urgente', 'imediatamente', 'o quanto antes', 'prazo ~ final|limite|expira', 'nao perca', '[regularize|regularizar] ~ [sua situacao|sua pendencia|agora]'],
    weak: ['expira hoje', 'hoje'],
  },
  advance_fee: {
    strong: [
      'milhoes|milhao ~ de ~ dolares|euros',
      'transferencia ~ dos|do ~ fundos|fundo|dinheiro',
      '[proposta de negocio|proposta de negocios|parceiro de negocios|negocio lucrativo]',
      'heranca|beneficiario ~ fundo|fundos|falecido|falecida',
      'fundo|fundos ~ recuperado|recuperados|transferido|transferidos|liberado|liberados',
      'dolares americanos',
      '[parente mais proximo|parentes mais proximos]',
      'repatriar ~ o|a|os|esse|este|esses ~ fundo|fundos|beneficio|dinheiro|heranca|deposito',
    ],
    medium: ['heranca', 'beneficiario', 'fundos', 'deus te abencoe', 'deposito ~ avaliado em'],
    weak: ['falecido|falecida'],
  },
  crypto: {
    medium: ['carteira ~ cripto|bitcoin', 'investimento ~ garantido|lucro', 'lucro ~ garantido|diario'],
    weak: ['bitcoin', 'cripto', 'criptomoeda|criptomoedas'],
  },
  romance: {
    strong: ['mulheres|garotas ~ solteiras|gostosas|quentes', 'fotos ~ [intimas|nuas|privadas]', 'sexo ~ hoje|casual'],
    medium: ['namoro', 'solteiras', 'encontro'],
  },
  job: {
    strong: [
      'ganhe|ganhar|ganha|renda ~3 [por dia|ao dia|diarios|diaria|por semana|semanais|por hora] ~ [em casa|de casa|sem sair de casa|pelo celular|no seu tempo livre|trabalhando de casa]',
      'comissao|comissoes ~ [por|por cada|de cada|em cada] ~ tarefa|pedido|avaliacao|curtida|video',
      '[complete|completar|realize|realizar|faca|fazer] ~ [tarefas|pedidos|avaliacoes|curtidas] ~ [e ganhe|para ganhar|e receba]',
      '[recarregue|recarregar|deposite|depositar] ~3 para ~ [desbloquear|liberar|continuar|concluir|sacar|receber] ~ [tarefas|pedidos|comissao|comissoes|salario|ganhos]',
      '[contate|fale com|chame|adicione|chamar] ~3 [rh|recrutador|recrutadora|recursos humanos|coordenador|coordenadora] ~3 [no|pelo|via] ~ whatsapp|telegram',
    ],
    medium: [
      '[sem experiencia|nao precisa de experiencia|nao e necessario experiencia|nao exige experiencia]',
      '[pagamento diario|pagamentos diarios|receba todos os dias|saque diario]',
      '[sem entrevista]',
      '[ganhe dinheiro|ganhar dinheiro|renda extra|dinheiro extra] ~ [em casa|de casa|online|pelo celular|pela internet]',
    ],
    weak: ['[meio periodo|meio expediente|trabalho em casa|trabalho remoto|home office|vaga de emprego|oferta de emprego]'],
  },
  spam_offer: {
    strong: ['perder|perca|perdeu ~ kg|quilos', 'emagrecer|emagrecimento', 'disfuncao eretil', 'rodadas gratis'],
    medium: [
      'plano de saude ~ promocional|desconto|tabela|cotacao|reduza|economize|economia',
      'tabela promocional',
      '[reduza|economize|reducao] ~ [o custo|os custos|seus custos|no seu plano|no valor do seu plano]',
      'cassino',
    ],
  },
  personal_data: {
    strong: [
      '[numero do cartao|codigo de seguranca|senha do cartao|senha de 4|senha de 6|assinatura eletronica]',
      'cpf ~ [data de nascimento|senha|cartao]',
    ],
    medium: ['data de nascimento', 'cvv', 'cpf'],
  },
  generic_greeting: {
    medium: [
      'prezado|caro|estimado|querido|prezada|cara|estimada|querida ~ [cliente|usuario|usuaria|correntista|associado|associada|senhor|senhora|contribuinte]',
      'ola ~ [cliente|usuario|correntista]',
    ],
  },
  callback: {
    strong: [
      '[caso nao reconheca|se nao reconhece|nao reconhece esta compra|caso nao tenha sido voce] ~ ligue|entre|contate|contato',
      'compra ~ [em analise|aprovada|retida|pendente|realizada] ~ no valor',
    ],
    medium: ['[central de atendimento|ligue para|entre em contato pelo telefone]'],
  },
};
